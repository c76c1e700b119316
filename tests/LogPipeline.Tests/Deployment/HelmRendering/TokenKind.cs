namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>The kinds of <see cref="Token"/>.</summary>
internal enum TokenKind
{
    /// <summary>Text outside actions, already trimmed by the neighbouring trim markers.</summary>
    Text,
    ActionStart,
    ActionEnd,
    /// <summary>A keyword, a function name, <c>true</c>, <c>false</c> or <c>nil</c>.</summary>
    Identifier,
    /// <summary><c>.Name</c>: one step of a field chain (the text is the name without the dot).</summary>
    Field,
    /// <summary><c>.</c> alone.</summary>
    Dot,
    /// <summary><c>$</c> or <c>$name</c> (the text includes the dollar).</summary>
    Variable,
    /// <summary>A quoted or raw string (the text is its value, escapes resolved).</summary>
    String,
    Number,
    Pipe,
    OpenParen,
    CloseParen,
    Declare,
    Assign,
    Comma,
}
