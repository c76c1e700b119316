namespace LogPipeline.Kibana;

/// <summary>The import result of one saved object.</summary>
internal sealed record KibanaObjectResult(string Type, string Id, string? Title, KibanaObjectOutcome Outcome)
{
    public override string ToString() =>
        $"kibana {Type} [{Id}]{(Title is null ? "" : $" \"{Title}\"")}: {Outcome.ToString().ToLowerInvariant()}";
}
