namespace LogPipeline.Kibana;

/// <summary>Where and how <see cref="KibanaImporter"/> imports the saved objects.</summary>
internal sealed class KibanaImportOptions
{
    /// <summary>Kibana's base URL, including any base path (<c>https://kibana.example:5601</c> or
    /// <c>https://example/kibana</c>). Required.</summary>
    public required Uri Url { get; init; }

    /// <summary>Kibana space to import into. Default none (the default space).</summary>
    public string? Space { get; init; }

    /// <summary>Encoded API key (Kibana accepts Elasticsearch API keys). Default none.</summary>
    public string? ApiKey { get; init; }

    /// <summary>User for basic authentication (with <see cref="Password"/>). Default none.</summary>
    public string? Username { get; init; }

    /// <summary>Password for basic authentication. Default none.</summary>
    public string? Password { get; init; }

    /// <summary>Attempts while Kibana answers 503 (still starting) or refuses connections. Default 5.</summary>
    public int Attempts { get; init; } = 5;

    /// <summary>Pause between those attempts. Default 2 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The import endpoint: overwrite=true so a re-run updates the objects instead of failing on conflicts.</summary>
    public Uri ImportUri
    {
        get
        {
            var basePath = Url.GetLeftPart(UriPartial.Path).TrimEnd('/');
            var space = string.IsNullOrEmpty(Space) || Space == "default" ? "" : "/s/" + Uri.EscapeDataString(Space);
            return new Uri($"{basePath}{space}/api/saved_objects/_import?overwrite=true");
        }
    }
}
