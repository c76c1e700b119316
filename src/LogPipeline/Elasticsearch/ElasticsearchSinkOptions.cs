using System.Globalization;
using System.Text.RegularExpressions;
using LogPipeline.Configuration;
using LogPipeline.Pipeline;
using Microsoft.Extensions.Options;

namespace LogPipeline.Elasticsearch;

/// <summary>Connection, layout and bulk settings of the Elasticsearch sink (configuration section
/// <c>Elasticsearch</c>; env <c>LOGPIPELINE__Elasticsearch__Key</c>). Secrets (<see cref="ApiKey"/>,
/// <see cref="Password"/>, <see cref="BearerToken"/>) may come from files instead and are never logged.</summary>
internal sealed partial class ElasticsearchSinkOptions
{
    public const string SectionName = "Elasticsearch";

    private static readonly ElasticsearchSinkOptionsRanges Ranges = new();

    /// <summary>Environment variable that sets the retention when <see cref="RetentionDays"/> is not configured.</summary>
    public const string RetentionDaysEnvironmentVariable = "ELASTICSEARCH_RETENTION_DAYS";

    public const int DefaultRetentionDays = 30;

    /// <summary>Base name of every resource the worker manages (ILM policy, templates, data streams).</summary>
    public const string BaseName = "smm-logs";

    /// <summary>Node URLs (<c>https://es-0:9200</c>). Used when <see cref="CloudId"/> is not set. Default
    /// <c>http://localhost:9200</c>.</summary>
    public List<string> Nodes { get; set; } = [];

    /// <summary>Elastic Cloud deployment ID; replaces <see cref="Nodes"/>. Default none.</summary>
    public string? CloudId { get; set; }

    /// <summary>Base64 API key (the <c>encoded</c> value Elasticsearch returns). Default none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>File holding the API key (a mounted secret); read at start, trimmed. Default none.</summary>
    public string? ApiKeyFile { get; set; }

    /// <summary>User for basic authentication (with <see cref="Password"/> or <see cref="PasswordFile"/>).</summary>
    public string? Username { get; set; }

    /// <summary>Password for basic authentication. Default none.</summary>
    public string? Password { get; set; }

    /// <summary>File holding the password; read at start, trimmed. Default none.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>Bearer token: an OAuth2/JWT access token or a service-account token
    /// (<c>Authorization: Bearer …</c>). Default none.</summary>
    public string? BearerToken { get; set; }

    /// <summary>File holding the bearer token (a mounted secret); read at start, trimmed. Default none.</summary>
    public string? BearerTokenFile { get; set; }

    /// <summary>Client certificate for mutual TLS: a PEM file (with <see cref="ClientKeyPath"/>) or a PKCS#12
    /// file (<c>.p12</c>/<c>.pfx</c>, key included). Default none.</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>PEM file of the client certificate's private key (unencrypted PKCS#8 or RSA/EC). Default none.</summary>
    public string? ClientKeyPath { get; set; }

    /// <summary>File holding the password of a PKCS#12 <see cref="ClientCertificatePath"/>; read at start,
    /// trimmed. Default none (no password).</summary>
    public string? ClientCertificatePasswordFile { get; set; }

    /// <summary>Accept any server certificate (no chain, host name or fingerprint check). For a test cluster
    /// only: a warning is logged at every start. Default false.</summary>
    public bool SkipTlsVerification { get; set; }

    /// <summary>PEM or DER file of the CA that signed the cluster's certificate. Default none (system trust).</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>SHA-256 fingerprint of the cluster's CA or server certificate (hex, colons optional), as
    /// printed by Elasticsearch at first start. Default none.</summary>
    public string? CertificateFingerprint { get; set; }

    /// <summary>Data stream (default) or classic rollover alias.</summary>
    public ElasticsearchIndexMode Mode { get; set; } = ElasticsearchIndexMode.DataStream;

    /// <summary>Namespace in <c>smm-logs-&lt;namespace&gt;</c>. Default <c>default</c>; lowercase letters,
    /// digits, <c>_</c>, <c>.</c>, <c>-</c>; at most 100 characters.</summary>
    public string Namespace { get; set; } = "default";

    /// <summary>What deletes old data: <c>Auto</c> (default: ILM, or the data stream lifecycle on a cluster without
    /// ILM such as Elastic Cloud Serverless), <c>Ilm</c> or <c>DataStreamLifecycle</c> (data streams only).</summary>
    public ElasticsearchLifecycle Lifecycle { get; set; } = ElasticsearchLifecycle.Auto;

    /// <summary>Days after rollover before ILM deletes an index (or the data stream lifecycle's retention). When not set: env
    /// <c>ELASTICSEARCH_RETENTION_DAYS</c>, else 30. Allowed 1–36500.</summary>
    [SettingRange(1, 36500)]
    public int? RetentionDays { get; set; }

    /// <summary>Install or upgrade the ILM policy, templates and the data stream (or first index and write
    /// alias) at start. Default true; turn off when an operator manages them.</summary>
    public bool Bootstrap { get; set; } = true;

    /// <summary>Timeout of one HTTP request to Elasticsearch. Default 60 s; allowed 1 s–10 min.</summary>
    [SettingRange("00:00:01", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Batching, concurrency, compression and retry settings.</summary>
    [ValidateObjectMembers]
    public ElasticsearchBulkOptions Bulk { get; set; } = new();

    /// <summary>The write target: the data stream or the write alias, <c>smm-logs-&lt;namespace&gt;</c>.</summary>
    public string Target => $"{BaseName}-{Namespace}";

    /// <summary>Node URLs in effect (the default when none are configured and no Cloud ID is set).</summary>
    public IReadOnlyList<string> EffectiveNodes =>
        Nodes.Count > 0 || !string.IsNullOrWhiteSpace(CloudId) ? Nodes : ["http://localhost:9200"];

    /// <summary>The retention in effect: <see cref="RetentionDays"/>, else the environment variable, else 30.</summary>
    public int ResolveRetentionDays(Func<string, string?>? environment = null)
    {
        if (RetentionDays is { } configured)
        {
            return configured;
        }

        var raw = (environment ?? Environment.GetEnvironmentVariable)(RetentionDaysEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(raw))
        {
            return DefaultRetentionDays;
        }

        if (int.TryParse(raw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= 36500)
        {
            return days;
        }

        throw new InvalidOperationException(
            $"{RetentionDaysEnvironmentVariable}='{raw}' is not valid: allowed is a whole number of days from 1 to 36500.");
    }

    /// <summary>Checks every setting; each message names the key, the value and what is allowed. The same checks run
    /// at start through <see cref="ElasticsearchSinkOptionsValidator"/>.</summary>
    public IReadOnlyList<string> Validate(Func<string, string?>? environment = null)
    {
        var errors = new List<string>();
        var s = SectionName;

        if (!string.IsNullOrWhiteSpace(CloudId) && Nodes.Count > 0)
        {
            errors.Add($"{s}:CloudId and {s}:Nodes are both set: set only one of them.");
        }

        for (var i = 0; i < Nodes.Count; i++)
        {
            if (!Uri.TryCreate(Nodes[i], UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"{s}:Nodes:{i}='{Nodes[i]}' is not valid: allowed is an absolute http:// or https:// URL.");
            }
            else if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                errors.Add($"{s}:Nodes:{i} carries credentials in the URL: use {s}:Username and {s}:PasswordFile (or {s}:ApiKeyFile) instead.");
            }
        }

        if (!string.IsNullOrEmpty(ApiKey) && !string.IsNullOrEmpty(ApiKeyFile))
        {
            errors.Add($"{s}:ApiKey and {s}:ApiKeyFile are both set: set only one of them.");
        }

        if (!string.IsNullOrEmpty(Password) && !string.IsNullOrEmpty(PasswordFile))
        {
            errors.Add($"{s}:Password and {s}:PasswordFile are both set: set only one of them.");
        }

        if (!string.IsNullOrEmpty(BearerToken) && !string.IsNullOrEmpty(BearerTokenFile))
        {
            errors.Add($"{s}:BearerToken and {s}:BearerTokenFile are both set: set only one of them.");
        }

        var hasApiKey = !string.IsNullOrEmpty(ApiKey) || !string.IsNullOrEmpty(ApiKeyFile);
        var hasPassword = !string.IsNullOrEmpty(Password) || !string.IsNullOrEmpty(PasswordFile);
        var hasBearer = !string.IsNullOrEmpty(BearerToken) || !string.IsNullOrEmpty(BearerTokenFile);
        if (hasApiKey && (hasPassword || !string.IsNullOrEmpty(Username)))
        {
            errors.Add($"{s}: both an API key and basic authentication are configured: use one of them.");
        }

        if (hasBearer && (hasApiKey || hasPassword || !string.IsNullOrEmpty(Username)))
        {
            errors.Add($"{s}: a bearer token and another authentication (API key or basic) are configured: use one of them.");
        }

        if (!string.IsNullOrEmpty(ClientKeyPath) && string.IsNullOrEmpty(ClientCertificatePath))
        {
            errors.Add($"{s}:ClientKeyPath is set without {s}:ClientCertificatePath: mutual TLS needs the certificate too.");
        }

        if (!string.IsNullOrEmpty(ClientKeyPath) && !string.IsNullOrEmpty(ClientCertificatePasswordFile))
        {
            errors.Add($"{s}:ClientCertificatePasswordFile is for a PKCS#12 certificate; with {s}:ClientKeyPath (PEM) remove it.");
        }

        if (SkipTlsVerification && (!string.IsNullOrWhiteSpace(CaCertificatePath) || !string.IsNullOrWhiteSpace(CertificateFingerprint)))
        {
            errors.Add($"{s}:SkipTlsVerification = true and a CA or fingerprint are both set: trust the CA (or fingerprint) and remove SkipTlsVerification.");
        }

        if (!Enum.IsDefined(Lifecycle))
        {
            errors.Add($"{s}:Lifecycle='{Lifecycle}' is not valid: allowed are Auto, Ilm and DataStreamLifecycle.");
        }
        else if (Lifecycle == ElasticsearchLifecycle.DataStreamLifecycle && Mode == ElasticsearchIndexMode.RolloverAlias)
        {
            errors.Add($"{s}:Lifecycle = DataStreamLifecycle needs {s}:Mode = DataStream (rollover-alias indices are managed by ILM).");
        }

        if (hasPassword && string.IsNullOrEmpty(Username))
        {
            errors.Add($"{s}:Username is not set but a password is: basic authentication needs both.");
        }

        if (!string.IsNullOrEmpty(Username) && !hasPassword)
        {
            errors.Add($"{s}:Username='{Username}' is set without {s}:Password or {s}:PasswordFile.");
        }

        CheckFile(errors, $"{s}:ApiKeyFile", ApiKeyFile);
        CheckFile(errors, $"{s}:PasswordFile", PasswordFile);
        CheckFile(errors, $"{s}:BearerTokenFile", BearerTokenFile);
        CheckFile(errors, $"{s}:CaCertificatePath", CaCertificatePath);
        CheckFile(errors, $"{s}:ClientCertificatePath", ClientCertificatePath);
        CheckFile(errors, $"{s}:ClientKeyPath", ClientKeyPath);
        CheckFile(errors, $"{s}:ClientCertificatePasswordFile", ClientCertificatePasswordFile);

        if (!string.IsNullOrEmpty(CertificateFingerprint) && !FingerprintPattern().IsMatch(CertificateFingerprint))
        {
            errors.Add($"{s}:CertificateFingerprint='{CertificateFingerprint}' is not valid: allowed is a SHA-256 fingerprint, 64 hex digits (colons optional).");
        }

        if (!Enum.IsDefined(Mode))
        {
            errors.Add($"{s}:Mode='{Mode}' is not valid: allowed are DataStream and RolloverAlias.");
        }

        if (Namespace is null || !NamespacePattern().IsMatch(Namespace))
        {
            errors.Add($"{s}:Namespace='{Namespace}' is not valid: allowed are 1–100 lowercase letters, digits, '_', '.', '-', starting with a letter or digit.");
        }

        if (RetentionDays is null)
        {
            try
            {
                ResolveRetentionDays(environment);
            }
            catch (InvalidOperationException e)
            {
                errors.Add(e.Message);
            }
        }

        var b = Bulk;
        if (b is null)
        {
            errors.Add($"{s}:Bulk is null: remove the key to use the defaults.");
            return errors;
        }

        // Single-setting ranges: the attributes, checked by the generated validator.
        if (Ranges.Validate(s, this) is { Failed: true, Failures: { } failures })
        {
            errors.AddRange(failures);
        }

        // Cross-field rules stay here.
        if (!BatchLimits.IsAllowedIdleFlushDelay(b.IdleFlushDelay, b.FlushInterval))
        {
            errors.Add($"{s}:Bulk:IdleFlushDelay={b.IdleFlushDelay} is not valid: allowed is 00:00:00 (off) or 00:00:00.001 to FlushInterval ({b.FlushInterval}).");
        }

        if (b.RetryMaxDelay < b.RetryInitialDelay || b.RetryMaxDelay > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{s}:Bulk:RetryMaxDelay={b.RetryMaxDelay} is not valid: allowed is {b.RetryInitialDelay} to {TimeSpan.FromMinutes(10)}.");
        }

        return errors;
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> listing every invalid setting.</summary>
    public void ThrowIfInvalid(Func<string, string?>? environment = null)
    {
        var errors = Validate(environment);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid Elasticsearch configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }
    }

    private static void CheckFile(List<string> errors, string key, string? path)
    {
        if (!string.IsNullOrEmpty(path) && !File.Exists(path))
        {
            errors.Add($"{key}='{path}' does not exist: allowed is a readable file.");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,99}$")]
    private static partial Regex NamespacePattern();

    [GeneratedRegex("^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$")]
    private static partial Regex FingerprintPattern();
}
