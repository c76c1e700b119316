namespace LogPipeline.Tests.Deployment.HelmRendering;

/// <summary>One parsed file: its top-level nodes and the templates it defines with <c>{{define}}</c>.</summary>
internal sealed record ParsedTemplate(string File, IReadOnlyList<Node> Body, IReadOnlyDictionary<string, IReadOnlyList<Node>> Defines);
