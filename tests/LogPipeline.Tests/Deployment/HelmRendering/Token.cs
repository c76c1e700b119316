namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>One lexical item of a template.</summary>
/// <param name="SpaceBefore">White space precedes the item inside an action. Go's lexer makes the same
/// distinction: <c>.a.b</c> is one field chain, <c>.a .b</c> two arguments.</param>
internal sealed record Token(TokenKind Kind, string Text, int Line, bool SpaceBefore = false);
