using System.Text;
using LogPipeline.Diagnostics;
using LogPipeline.Elasticsearch;
using LogPipeline.Testing.Elasticsearch;
using LogPipeline.Tests.Tls;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Tests.Elasticsearch;

/// <summary>Each authentication and TLS mode against a test server that requires exactly that credential or
/// certificate, in 8.x and in 9.x mode: the worker bootstraps, indexes, and sends what the mode says (a wrong
/// credential is refused at start with one line; a secret never appears in what is logged).</summary>
public sealed class ElasticsearchAuthenticationTests : IDisposable
{
    private const string Secret = "s3cr3t-Value-never-logged";
    private readonly string _directory = Directory.CreateTempSubdirectory("logpipeline-es-auth-").FullName;
    private readonly TestCertificates _certificates = new();

    public static TheoryData<string, string> ModesAndAuth()
    {
        var data = new TheoryData<string, string>();
        foreach (var mode in new[] { "8", "9" })
        {
            foreach (var auth in new[] { "api-key", "api-key-file", "basic", "basic-password-file", "bearer", "bearer-file", "ca-file", "ca-fingerprint", "server-fingerprint", "mtls-pem", "mtls-pkcs12", "skip-tls-verification" })
            {
                data.Add(mode, auth);
            }
        }

        return data;
    }

    public void Dispose()
    {
        _certificates.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private string SecretFile(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        // Mounted secrets often end with a newline; it is not part of the secret.
        File.WriteAllText(path, content + "\n");
        return path;
    }

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    /// <summary>The server a mode needs and the options that should get through to it.</summary>
    private (ElasticsearchTestServerOptions Server, Action<ElasticsearchSinkOptions> Configure) Arrange(string mode, string auth)
    {
        var version = ElasticsearchTestServerVersion.Parse(mode);
        var https = new ElasticsearchTestServerOptions { Version = version, ServerCertificate = _certificates.Server };
        return auth switch
        {
            "api-key" => (new() { Version = version, RequiredAuthorization = "ApiKey " + Secret }, o => o.ApiKey = Secret),
            "api-key-file" => (new() { Version = version, RequiredAuthorization = "ApiKey " + Secret }, o => o.ApiKeyFile = SecretFile("api-key", Secret)),
            "basic" => (new() { Version = version, RequiredAuthorization = Basic("logpipeline", Secret) }, o => { o.Username = "logpipeline"; o.Password = Secret; }),
            "basic-password-file" => (new() { Version = version, RequiredAuthorization = Basic("logpipeline", Secret) }, o => { o.Username = "logpipeline"; o.PasswordFile = SecretFile("password", Secret); }),
            "bearer" => (new() { Version = version, RequiredAuthorization = "Bearer " + Secret }, o => o.BearerToken = Secret),
            "bearer-file" => (new() { Version = version, RequiredAuthorization = "Bearer " + Secret }, o => o.BearerTokenFile = SecretFile("token", Secret)),
            "ca-file" => (https, o => o.CaCertificatePath = _certificates.WriteCaPem(_directory)),
            "ca-fingerprint" => (new() { Version = version, ServerCertificate = _certificates.ServerBehindHttpCa, ServerCertificateChain = [_certificates.HttpCa] },
                o => o.CertificateFingerprint = _certificates.HttpCaFingerprint),
            "server-fingerprint" => (https, o => o.CertificateFingerprint = Convert.ToHexString(_certificates.Server.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256))),
            "mtls-pem" => (new() { Version = version, ServerCertificate = _certificates.Server, RequiredClientCertificate = _certificates.Client }, o =>
            {
                var (certificate, key) = _certificates.WriteClientPem(_directory);
                o.CaCertificatePath = _certificates.WriteCaPem(_directory);
                o.ClientCertificatePath = certificate;
                o.ClientKeyPath = key;
            }),
            "mtls-pkcs12" => (new() { Version = version, ServerCertificate = _certificates.Server, RequiredClientCertificate = _certificates.Client }, o =>
            {
                o.CaCertificatePath = _certificates.WriteCaPem(_directory);
                o.ClientCertificatePath = _certificates.WriteClientPkcs12(_directory, Secret);
                o.ClientCertificatePasswordFile = SecretFile("p12-password", Secret);
            }),
            "skip-tls-verification" => (https, o => o.SkipTlsVerification = true),
            _ => throw new ArgumentOutOfRangeException(nameof(auth), auth, null),
        };
    }

    [Theory]
    [MemberData(nameof(ModesAndAuth))]
    public async Task Each_mode_gets_the_worker_in_and_its_records_indexed(string mode, string auth)
    {
        var (serverOptions, configure) = Arrange(mode, auth);
        await using var server = await ElasticsearchTestServer.StartAsync(serverOptions);
        var options = SinkScenarios.Options(server.Url, configure: o =>
        {
            o.ApiKey = null;
            o.Username = null;
            o.Password = null;
            o.CertificateFingerprint = null;
            configure(o);
        });
        var logger = new ListLogger();
        var records = SomeLogRecords.Many(300);
        var acknowledger = new RecordingAcknowledger();

        await using (var sink = new ElasticsearchSink(ElasticsearchClientFactory.Create(options), options, new PipelineMetrics(), logger))
        {
            await sink.StartAsync(acknowledger, SinkScenarios.Timeout());
            foreach (var record in records)
            {
                await sink.WriteAsync(record, SinkScenarios.Timeout());
            }

            await sink.FlushAsync(SinkScenarios.Timeout());
        }

        Assert.Equal(300, acknowledger.AcknowledgedCount);
        Assert.Empty(acknowledger.Rejected);
        Assert.Equal(300, server.CountDocuments(options.Target));
        ElasticsearchModes.AssertSpokeItsMajor(server);
        Assert.DoesNotContain(logger.Messages, m => m.Message.Contains(Secret, StringComparison.Ordinal));
        var skipWarnings = logger.Messages.Count(m => m.Level == LogLevel.Warning && m.Message.Contains("SkipTlsVerification = true", StringComparison.Ordinal));
        Assert.Equal(auth == "skip-tls-verification" ? 1 : 0, skipWarnings);
        Assert.Contains(logger.Messages, m => m.Message.Contains($"cluster is Elasticsearch {server.Version.Number}", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ElasticsearchModes.Majors), MemberType = typeof(ElasticsearchModes))]
    public async Task A_wrong_credential_fails_the_start_with_the_clusters_401_and_without_the_secret(string mode)
    {
        await using var server = await ElasticsearchTestServer.StartAsync(new ElasticsearchTestServerOptions
        {
            Version = ElasticsearchTestServerVersion.Parse(mode),
            RequiredAuthorization = "ApiKey right-key",
        });
        var options = SinkScenarios.Options(server.Url, configure: o => o.ApiKey = Secret);
        await using var sink = new ElasticsearchSink(ElasticsearchClientFactory.Create(options), options, new PipelineMetrics());

        var e = await Assert.ThrowsAsync<ElasticsearchBootstrapException>(() => sink.StartAsync(new RecordingAcknowledger(), SinkScenarios.Timeout()));

        Assert.Equal(401, e.StatusCode);
        Assert.Equal("security_exception", e.ErrorType);
        Assert.False(e.IsTransient);
        Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ElasticsearchModes.Majors), MemberType = typeof(ElasticsearchModes))]
    public async Task Without_the_required_client_certificate_the_cluster_cannot_be_reached(string mode)
    {
        await using var server = await ElasticsearchTestServer.StartAsync(new ElasticsearchTestServerOptions
        {
            Version = ElasticsearchTestServerVersion.Parse(mode),
            ServerCertificate = _certificates.Server,
            RequiredClientCertificate = _certificates.Client,
        });
        var options = SinkScenarios.Options(server.Url, configure: o => o.CaCertificatePath = _certificates.WriteCaPem(_directory));

        var e = await Assert.ThrowsAsync<ElasticsearchBootstrapException>(() =>
            new ElasticsearchBootstrapper(ElasticsearchClientFactory.Create(options), options).RunAsync(SinkScenarios.Timeout()));

        Assert.Null(e.StatusCode);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task A_fingerprint_of_a_certificate_the_server_did_not_send_is_refused_with_the_tls_reason()
    {
        await using var server = await ElasticsearchTestServer.StartAsync(new ElasticsearchTestServerOptions
        {
            ServerCertificate = _certificates.ServerBehindHttpCa,
            ServerCertificateChain = [_certificates.HttpCa],
        });
        var elsewhere = string.Join(':', Convert.ToHexString(_certificates.Client.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)).Chunk(2).Select(c => new string(c)));
        var options = SinkScenarios.Options(server.Url, configure: o => o.CertificateFingerprint = elsewhere);

        var e = await Assert.ThrowsAsync<ElasticsearchBootstrapException>(() =>
            new ElasticsearchBootstrapper(ElasticsearchClientFactory.Create(options), options).RunAsync(SinkScenarios.Timeout()));

        Assert.True(e.IsTransient);
        Assert.Contains("SSL", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public void The_connection_summary_names_the_authentication_kind_but_never_a_secret()
    {
        var options = new ElasticsearchSinkOptions
        {
            Nodes = ["https://es:9200"],
            BearerToken = Secret,
            ClientCertificatePath = SecretFile("client.crt", "x"),
            ClientKeyPath = SecretFile("client.key", "x"),
            SkipTlsVerification = true,
        };

        var described = ElasticsearchClientFactory.Describe(options);

        Assert.Equal("nodes=https://es:9200 auth=bearer token + client certificate tls=NOT VERIFIED mode=DataStream target=smm-logs-default", described);
        Assert.DoesNotContain(Secret, described, StringComparison.Ordinal);
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Messages)
            {
                Messages.Add((logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception)));
            }
        }
    }
}
