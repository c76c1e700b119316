using System.Globalization;
using System.Text;

namespace LogPipeline.Demo.Generator;

/// <summary>A deterministic (seeded) generator of realistic SMM platform logs: the five services of the
/// seed, trace IDs in every supported format, client addresses (public, private, lists, MaxMind test
/// addresses), errors of every category, PII and credentials in messages and nested fields, and optional
/// poison lines. <see cref="Counts"/> states what was produced, so a run over the lines can prove that
/// nothing was lost. Not thread-safe.</summary>
public sealed class SmmLogGenerator
{
    public static IReadOnlyList<string> ServiceNames { get; } =
        ["model-router", "canary-controller", "mcp-gateway", "audit-service", "workspace-api"];

    /// <summary>Poison kinds, named by the parser rejection code each must get.</summary>
    public static IReadOnlyList<string> PoisonKinds { get; } =
        ["invalid_json", "not_an_object", "invalid_utf8", "too_large", "too_deep", "empty"];

    private static readonly string[] Categories =
        ["rate_limit", "quota", "timeout", "auth", "not_found", "validation", "protocol", "resource", "network", "upstream", "model", "internal"];

    // Addresses in MaxMind's public test databases, so GeoIP demos show hits.
    private static readonly string[] MaxMindTestAddresses =
        ["81.2.69.160", "2.125.160.216", "89.160.20.112", "216.160.83.56", "175.16.199.0", "2001:218::1", "67.43.156.1", "2a02:d280::1"];

    private static readonly string[] OtherPublicAddresses =
        ["104.18.7.192", "151.101.1.69", "35.190.247.13", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "188.114.97.3"];

    private static readonly string[] PrivateAddresses =
        ["10.0.3.17", "10.12.0.4", "192.168.1.20", "172.16.5.9", "127.0.0.1", "::1", "fd12:3456:789a::1", "100.64.0.7"];

    private static readonly string[] Models =
        ["gpt-4o-2024-08-06", "claude-3-5-sonnet-20241022", "llama-3.1-70b-instruct", "mistral-large-2411", "gemini-1.5-pro-002"];

    private static readonly string[] Providers = ["openai", "anthropic", "meta", "mistral", "google"];

    private static readonly string[] Tools =
        ["github.search_issues", "jira.create_ticket", "slack.post_message", "postgres.query", "fs.read_file", "web.fetch"];

    private static readonly string[] AgentTypes = ["coding-agent", "research-agent", "support-agent", "planner", "reviewer"];

    private static readonly string[] FirstNames = ["jane", "omar", "li", "sofia", "kwame", "anna", "renée", "björn", "yuki", "maría"];

    private static readonly string[] Domains = ["example.com", "acme.io", "contoso.org", "smm-platform.dev", "mail.example.co.uk"];

    private static readonly string[] Actions =
        ["workspace.member.invite", "workspace.member.remove", "api_key.create", "api_key.revoke", "billing.plan.change", "sso.login"];

    private static readonly string[] Paths =
        ["/v1/workspaces/{ws}/agents", "/v1/workspaces/{ws}/workflows/{wf}/runs", "/v1/tenants/{tn}/usage", "/v1/workspaces/{ws}/members"];

    private static readonly string[] Levels = ["info", "info", "info", "info", "debug", "warn", "INFO", "Information", "warning"];

    private static readonly string[] ErrorLevels = ["error", "ERROR", "Error", "err", "fatal", "critical", "crit", "alert", "emerg", "panic"];

    private readonly SmmLogGeneratorOptions _options;
    private readonly Random _random;
    private readonly List<Trace> _traces = [];
    private readonly StringBuilder _json = new(1024);
    private readonly Stack<bool> _first = new();
    private DateTimeOffset _clock;
    private int _oversized;

    public SmmLogGenerator(SmmLogGeneratorOptions? options = null)
    {
        _options = options ?? new SmmLogGeneratorOptions();
        _random = new Random(_options.Seed);
        _clock = _options.Start;
    }

    /// <summary>What has been generated so far.</summary>
    public SmmLogCounts Counts { get; } = new();

    /// <summary>The next line.</summary>
    public SmmLogLine Next()
    {
        var line = _random.NextDouble() < _options.PoisonRate ? NextPoison() : NextRecord();
        Counts.Add(line);
        return line;
    }

    public IEnumerable<SmmLogLine> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Next();
        }
    }

    /// <summary>Writes <paramref name="count"/> lines as NDJSON (each ends with <c>\n</c>).</summary>
    public void WriteNdjson(Stream output, int count)
    {
        foreach (var line in Generate(count))
        {
            output.Write(line.Utf8);
            output.WriteByte((byte)'\n');
        }
    }

    private SmmLogLine NextRecord()
    {
        _clock = _clock.AddMilliseconds(_random.Next(0, 25));
        var service = ServiceNames[_random.Next(ServiceNames.Count)];
        var trace = PickTrace();
        var timestamp = _clock;
        if (trace is not null && _random.Next(10) == 0)
        {
            // Clocks of services disagree a little: some records arrive with an earlier timestamp.
            timestamp = timestamp.AddMilliseconds(-_random.Next(1, 80));
        }

        var category = _random.NextDouble() < _options.ErrorRate ? Categories[_random.Next(Categories.Length)] : null;
        var ws = "ws_" + Hex(10);
        var tenant = "tn_" + Hex(8);

        Begin();
        if (_random.Next(3) == 0)
        {
            Str("service_name", service);
            Str("@timestamp", FormatTimestamp(timestamp));
        }
        else
        {
            Str("@timestamp", FormatTimestamp(timestamp));
            Str("service_name", service);
        }

        var expected = category is null ? WriteInfo(service, ws, tenant) : WriteError(category, service, ws, tenant);
        Str("workspace_id", ws);
        Str("tenant_id", tenant);
        var usedRequest = trace is not null && WriteTrace(trace);
        WriteServiceFields(service, ws, category is not null, usedRequest);
        End();
        var bytes = Encoding.UTF8.GetBytes(_json.ToString());
        return new SmmLogLine(bytes, service, null, expected, trace?.Id);
    }

    private string? WriteInfo(string service, string ws, string tenant)
    {
        Str("level", Levels[_random.Next(Levels.Length)]);
        var model = Models[_random.Next(Models.Length)];
        var message = service switch
        {
            "model-router" => _random.Next(4) switch
            {
                0 => $"Routed chat completion to {model} for workspace {ws}",
                1 => $"Retrying after timeout on {Providers[_random.Next(Providers.Length)]}, attempt 2 of 3",
                2 => $"Cache hit for prompt hash {Hex(40)}",
                _ => $"Fallback from {model} to gpt-4o-mini: \"latency budget\" reached",
            },
            "canary-controller" => _random.Next(3) switch
            {
                0 => $"Shifted {_random.Next(1, 50)}% of traffic to canary v2.{_random.Next(10, 20)}.{_random.Next(0, 9)}",
                1 => $"Canary analysis passed for deployment dep-{Hex(8)} (error rate 0.{_random.Next(100, 999)}%)",
                _ => "Promoted canary v2.15.0 to stable; previous v2.14.3 kept for rollback",
            },
            "mcp-gateway" => _random.Next(3) switch
            {
                0 => $"Tool call {Tools[_random.Next(Tools.Length)]} completed in {_random.Next(3, 900)} ms",
                1 => $"MCP session initialized with client {Email()} over streamable-http",
                _ => $"Forwarded request from {Address()} to tool server",
            },
            "audit-service" => _random.Next(4) switch
            {
                0 => $"User {Email()} invited {Email()} to workspace {ws}",
                1 => $"API key {ApiKey()} created by {Email()}",
                2 => $"Payment method updated: card {Card()} for tenant {tenant}",
                _ => $"Contact details changed: phone {Phone()}, IBAN {Iban()}",
            },
            _ => _random.Next(4) switch
            {
                0 => $"GET /v1/workspaces/{ws}/agents 200 in {_random.Next(2, 300)} ms",
                1 => $"Workspace renamed to \"Équipe Données 日本\" by {Email()}",
                2 => $"Order 4{Digits(15)}9 exported for {Email()}",
                _ => $"Webhook delivered to https://hooks.{Domains[_random.Next(Domains.Length)]}/smm?id={Hex(12)}",
            },
        };
        Str("message", message);
        if (_random.Next(4) == 0)
        {
            Num("status", _random.Next(2) == 0 ? "200" : (200 + _random.Next(4)).ToString(CultureInfo.InvariantCulture));
        }

        return null;
    }

    private string WriteError(string category, string service, string ws, string tenant)
    {
        var statusOnly = StatusFor(category) is not null && _random.Next(4) == 0;
        var message = statusOnly ? (_random.Next(2) == 0 ? "Request failed" : "Call did not succeed") : ErrorMessage(category, ws, tenant);
        var status = StatusFor(category) ?? (_random.Next(3) == 0 ? 500 : (int?)null);
        if (statusOnly)
        {
            // Only the status says what went wrong: no level, so the status must make it an error record.
            Str("message", message);
            Num(_random.Next(2) == 0 ? "status_code" : "status", status!.Value.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            switch (_random.Next(6))
            {
                case 0:
                    // No level at all: the error object alone marks it.
                    Str("message", "Request failed");
                    Begin("error");
                    Str("type", ErrorType(category));
                    Str("message", message);
                    End();
                    break;
                case 1:
                    Str("level", ErrorLevels[_random.Next(ErrorLevels.Length)]);
                    Str("message", message);
                    Begin("exception");
                    Str("type", "SmmArchitect." + ErrorType(category));
                    Str("message", message);
                    Str("stack_trace", "   at SmmArchitect.Router.Dispatch(Request r) in /src/Router.cs:line 142\n   at SmmArchitect.Host.Run()");
                    End();
                    break;
                case 2:
                    Str("level", "warn");
                    Str("error_message", message);
                    break;
                default:
                    Str("level", ErrorLevels[_random.Next(ErrorLevels.Length)]);
                    Str("message", message);
                    break;
            }

            if (status is not null && _random.Next(2) == 0)
            {
                Begin("http");
                Begin("response");
                Num("status_code", status.Value.ToString(CultureInfo.InvariantCulture));
                End();
                End();
            }
        }

        if (_random.Next(40) == 0)
        {
            // A producer that already knows the category: it must be kept as sent.
            Str("error_category", "upstream");
            return "upstream";
        }

        return category;
    }

    private string ErrorMessage(string category, string ws, string tenant)
    {
        var provider = Providers[_random.Next(Providers.Length)];
        var model = Models[_random.Next(Models.Length)];
        return category switch
        {
            "rate_limit" => Pick(
                $"Rate limit exceeded for tenant {tenant} on {model}",
                $"{provider} answered 429 Too Many Requests; retry-after 20s",
                $"Request throttled by {provider} for {Email()}"),
            "quota" => Pick(
                $"Monthly token quota exhausted for workspace {ws}",
                $"Insufficient credits to run workflow wf_{Hex(8)}",
                $"Budget of $500.00 exceeded for tenant {tenant}; billing contact {Email()}"),
            "timeout" => Pick(
                $"Request to {provider} timed out after 30000 ms",
                $"Deadline exceeded while waiting for tool {Tools[_random.Next(Tools.Length)]}",
                $"connect ETIMEDOUT {Address()}:443"),
            "auth" => Pick(
                $"Invalid API key {ApiKey()} for provider {provider}",
                $"Permission denied: {Email()} cannot access workspace {ws}",
                $"Authentication failed for user {Email()} with token {Jwt()}"),
            "not_found" => Pick(
                $"Workflow wf_{Hex(8)} not found in workspace {ws}",
                $"No such deployment dep-{Hex(8)}",
                $"Model {model} does not exist for tenant {tenant}"),
            "validation" => Pick(
                "Validation failed: field 'prompt' is required",
                $"Malformed JSON-RPC frame from {Address()}",
                "Bad request: max_tokens must be positive, got -1"),
            "protocol" => Pick(
                "MCP protocol version mismatch: client 2024-11-05, server 2025-06-18",
                "Unsupported protocol version 2023-01-01 offered by client",
                "Incompatible protocol: expected streamable-http"),
            "resource" => Pick(
                $"Container OOMKilled while loading {model}",
                "No space left on device /var/lib/models",
                "Out of memory allocating KV cache (24.0 GiB)"),
            "network" => Pick(
                $"connect ECONNREFUSED {PrivateAddresses[_random.Next(3)]}:8080",
                $"TLS handshake with api.{provider}.com failed",
                "socket hang up while streaming completion"),
            "upstream" => Pick(
                $"502 Bad Gateway from {provider}",
                $"Service unavailable: {model} is overloaded",
                $"Provider error from {provider} (request req_{Hex(12)})"),
            "model" => Pick(
                $"Context length exceeded: {_random.Next(200_001, 400_000)} tokens for {model}",
                "Content filter blocked the completion",
                "Invalid model output: expected a tool call, got prose"),
            _ => Pick(
                "Unhandled exception in workflow executor",
                "Object reference not set to an instance of an object.",
                $"Assertion failed in scheduler (shard {_random.Next(64)})"),
        };
    }

    private static int? StatusFor(string category) => category switch
    {
        "rate_limit" => 429,
        "quota" => 402,
        "timeout" => 504,
        "auth" => 403,
        "not_found" => 404,
        "validation" => 422,
        "upstream" => 503,
        "internal" => 500,
        _ => null,
    };

    private static string ErrorType(string category) => category switch
    {
        "rate_limit" => "RateLimitError",
        "not_found" => "NotFoundError",
        "internal" => "NullReferenceException",
        _ => "ProviderException",
    };

    private void WriteServiceFields(string service, string ws, bool isError, bool usedRequest)
    {
        switch (service)
        {
            case "model-router":
                Str("model_id", Models[_random.Next(Models.Length)]);
                Str("provider", Providers[_random.Next(Providers.Length)]);
                Num("latency_ms", _random.Next(40, 9000).ToString(CultureInfo.InvariantCulture));
                if (_random.Next(2) == 0)
                {
                    Num("token_count", _random.Next(10, 120_000).ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    Begin("usage");
                    Num("prompt_tokens", _random.Next(10, 100_000).ToString(CultureInfo.InvariantCulture));
                    Num("completion_tokens", _random.Next(1, 4000).ToString(CultureInfo.InvariantCulture));
                    End();
                }

                Num("cost_usd", (_random.Next(1, 500_000) / 1_000_000.0).ToString("0.000000", CultureInfo.InvariantCulture));
                Str("agent_type", AgentTypes[_random.Next(AgentTypes.Length)]);
                break;
            case "canary-controller":
                Str("deployment_id", "dep-" + Hex(8));
                Num("canary_weight", _random.Next(0, 101).ToString(CultureInfo.InvariantCulture));
                Str("stable_version", "v2.14.3");
                Str("canary_version", "v2.15.0-rc." + _random.Next(1, 9).ToString(CultureInfo.InvariantCulture));
                Num("error_rate", "1.0e-3");
                Num("request_total", "18446744073709551615");
                break;
            case "mcp-gateway":
                Str("mcp_protocol_version", _random.Next(4) == 0 ? "2024-11-05" : "2025-06-18");
                Str("agent_type", AgentTypes[_random.Next(AgentTypes.Length)]);
                Str("tool", Tools[_random.Next(Tools.Length)]);
                WriteClientAddress();
                if (!usedRequest && _random.Next(3) == 0)
                {
                    Begin("request");
                    Str("method", "POST");
                    Str("path", "/mcp");
                    Begin("headers");
                    Str("user-agent", "smm-agent/1.8.2 (+https://smm-platform.dev)");
                    Str("authorization", "Bearer " + Token(32));
                    if (_random.Next(2) == 0)
                    {
                        Str("x-api-key", ApiKey());
                    }

                    End();
                    End();
                }

                break;
            case "audit-service":
                Str("action", Actions[_random.Next(Actions.Length)]);
                Begin("actor");
                Str("email", Email());
                Str("user_id", "usr_" + Hex(12));
                if (_random.Next(3) == 0)
                {
                    Str("phone", Phone());
                }

                End();
                Begin("client");
                Str("ip", Address());
                End();
                if (_random.Next(4) == 0)
                {
                    Begin("details");
                    Begin("payment");
                    Str("card_number", Card());
                    Str("ssn", Ssn());
                    End();
                    Str("notes", "Customer asked to update billing, see ticket #" + Digits(6));
                    Str("dsn", $"postgres://billing:{Token(12)}@db-{Hex(4)}.internal:5432/smm");
                    End();
                }

                break;
            default:
                if (isError)
                {
                    // The error part may have written an "http" object already; a dotted key avoids a duplicate.
                    Str("http.request.method", "POST");
                }
                else
                {
                    Begin("http");
                    Begin("request");
                    Str("method", _random.Next(3) == 0 ? "POST" : "GET");
                    End();
                    Begin("response");
                    Num("status_code", _random.Next(5) == 0 ? "204" : "200");
                    End();
                    End();
                }

                Str("url.path", Paths[_random.Next(Paths.Length)].Replace("{ws}", ws, StringComparison.Ordinal)
                    .Replace("{wf}", "wf_" + Hex(8), StringComparison.Ordinal).Replace("{tn}", "tn_" + Hex(8), StringComparison.Ordinal));
                WriteClientAddress();
                Str("workflow_id", "wf_" + Hex(8));
                Begin("user");
                Str("email", Email());
                Str("roles", "admin");
                End();
                if (_random.Next(5) == 0)
                {
                    Raw("tags", "[\"beta\",\"eu-west-1\",[1,2.50,-0.0],null,true]");
                }

                break;
        }

        if (_random.Next(6) == 0)
        {
            Raw("labels", "{\"team\":\"platform\",\"path\":\"C:\\\\models\\\\cache\",\"note\":\"caf\\u00e9 \\ud83d\\ude80\\ttab\"}");
        }
    }

    private void WriteClientAddress()
    {
        switch (_random.Next(5))
        {
            case 0:
                Str("client_ip", Address());
                break;
            case 1:
                Str("x_forwarded_for", $"{PrivateAddresses[_random.Next(4)]}, {PublicAddress()}, 10.0.0.1");
                break;
            case 2:
                Begin("source");
                Str("ip", Address());
                End();
                break;
            case 3:
                Str("remote_addr", _random.Next(8) == 0 ? "999.12.4.1" : Address());
                break;
            default:
                Str("client.ip", PublicAddress());
                break;
        }
    }

    private Trace? PickTrace()
    {
        if (_random.NextDouble() >= _options.TraceRate)
        {
            return null;
        }

        if (_traces.Count == 0 || (_traces.Count < 64 && _random.Next(3) == 0))
        {
            _traces.Add(new Trace(Hex(32), _random.Next(1, 12)));
        }

        var i = _random.Next(_traces.Count);
        var trace = _traces[i];
        if (--trace.Remaining <= 0)
        {
            _traces.RemoveAt(i);
        }

        return trace;
    }

    /// <summary>Writes the trace ID in one of the supported formats; true when it wrote a "request" object.</summary>
    private bool WriteTrace(Trace trace)
    {
        var span = Hex(16);
        switch (_random.Next(10))
        {
            case 0:
                Str("trace_id", trace.Id);
                Str("span_id", span);
                break;
            case 1:
                Str("traceId", trace.Id);
                break;
            case 2:
                Begin("trace");
                Str("id", trace.Id);
                End();
                break;
            case 3:
                Str("trace.id", trace.Id);
                break;
            case 4:
                Str("traceparent", $"00-{trace.Id}-{span}-01");
                break;
            case 5:
                Str("traceparent", $"00-{trace.Id.ToUpperInvariant()}-{span.ToUpperInvariant()}-00");
                break;
            case 6:
                Str("b3", $"{trace.Id}-{span}-1");
                break;
            case 7:
                Str("x-b3-traceid", trace.Id);
                Str("x-b3-spanid", span);
                break;
            case 8:
                Begin("request");
                Begin("headers");
                Str("traceparent", $"00-{trace.Id}-{span}-01");
                Str("accept", "application/json");
                End();
                End();
                return true;
            default:
                Begin("request");
                Begin("headers");
                Str("b3", $"{trace.Id}-{span}");
                End();
                End();
                return true;
        }

        return false;
    }

    private SmmLogLine NextPoison()
    {
        var kind = PoisonKinds[_random.Next(PoisonKinds.Count)];
        if (kind == "too_large" && _oversized >= _options.MaxOversized)
        {
            kind = "invalid_json";
        }

        var ts = FormatTimestamp(_clock);
        byte[] bytes;
        switch (kind)
        {
            case "invalid_json":
                bytes = Encoding.UTF8.GetBytes(_random.Next(3) switch
                {
                    0 => $"{{\"@timestamp\":\"{ts}\",\"level\":\"info\",\"message\":\"truncated in fli",
                    1 => $"{{\"@timestamp\":\"{ts}\",\"level\":\"info\",}}",
                    _ => $"level=info ts={ts} msg=\"plain text line from a sidecar\"",
                });
                break;
            case "not_an_object":
                bytes = Encoding.UTF8.GetBytes(_random.Next(2) == 0 ? $"[{{\"@timestamp\":\"{ts}\"}}]" : "\"just a string\"");
                break;
            case "invalid_utf8":
                var prefix = Encoding.UTF8.GetBytes($"{{\"@timestamp\":\"{ts}\",\"message\":\"bad byte ");
                bytes = [.. prefix, 0xC3, 0x28, .. "\"}"u8];
                break;
            case "too_large":
                _oversized++;
                var filler = new string('x', _options.MaxRecordBytes);
                bytes = Encoding.UTF8.GetBytes($"{{\"@timestamp\":\"{ts}\",\"message\":\"{filler}\"}}");
                break;
            case "too_deep":
                var depth = _options.MaxDepth + 2;
                bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth));
                break;
            default:
                bytes = "   "u8.ToArray();
                break;
        }

        return new SmmLogLine(bytes, string.Empty, kind, null, null);
    }

    private string Pick(string a, string b, string c) => _random.Next(3) switch
    {
        0 => a,
        1 => b,
        _ => c,
    };

    private string Address() => _random.Next(10) switch
    {
        < 4 => MaxMindTestAddresses[_random.Next(MaxMindTestAddresses.Length)],
        < 7 => OtherPublicAddresses[_random.Next(OtherPublicAddresses.Length)],
        _ => PrivateAddresses[_random.Next(PrivateAddresses.Length)],
    };

    private string PublicAddress() => _random.Next(2) == 0
        ? MaxMindTestAddresses[_random.Next(MaxMindTestAddresses.Length)]
        : OtherPublicAddresses[_random.Next(OtherPublicAddresses.Length)];

    private string Email() =>
        $"{FirstNames[_random.Next(FirstNames.Length)]}.{Hex(3)}@{Domains[_random.Next(Domains.Length)]}";

    private string Phone() => _random.Next(4) switch
    {
        0 => $"+1 415-555-{Digits(4)}",
        1 => $"(415) 555-{Digits(4)}",
        2 => $"+44 20 7946 {Digits(4)}",
        _ => $"415.555.{Digits(4)}",
    };

    private string Card()
    {
        // 16 digits with a Luhn check digit, so maskers that check Luhn must catch it.
        var digits = new int[16];
        digits[0] = _random.Next(2) == 0 ? 4 : 5;
        for (var i = 1; i < 15; i++)
        {
            digits[i] = _random.Next(10);
        }

        var sum = 0;
        for (var i = 0; i < 15; i++)
        {
            var d = digits[14 - i];
            if (i % 2 == 0)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        digits[15] = (10 - (sum % 10)) % 10;
        var text = string.Concat(digits);
        return _random.Next(3) switch
        {
            0 => text,
            1 => $"{text[..4]} {text[4..8]} {text[8..12]} {text[12..]}",
            _ => $"{text[..4]}-{text[4..8]}-{text[8..12]}-{text[12..]}",
        };
    }

    private string Ssn() => $"{_random.Next(100, 899)}-{_random.Next(10, 99)}-{_random.Next(1000, 9999)}";

    private string Iban() => _random.Next(2) == 0 ? "GB82 WEST 1234 5698 7654 32" : "DE89370400440532013000";

    private string Jwt() =>
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfMTIzIiwid3MiOiJ3c18xIn0." + Token(43);

    private string ApiKey() => _random.Next(5) switch
    {
        0 => "sk-proj-" + Token(40),
        1 => "AKIA" + Upper(16),
        2 => "ghp_" + Token(36),
        3 => "xoxb-" + Digits(11) + "-" + Token(24),
        _ => "AIza" + Token(35),
    };

    private string Hex(int length) => Chars(length, "0123456789abcdef");

    private string Digits(int length) => Chars(length, "0123456789");

    private string Upper(int length) => Chars(length, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");

    private string Token(int length) => Chars(length, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    private string Chars(int length, string alphabet)
    {
        return string.Create(length, (this, alphabet), static (span, state) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = state.alphabet[state.Item1._random.Next(state.alphabet.Length)];
            }
        });
    }

    private static string FormatTimestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // A minimal JSON text builder: it writes exactly what the generator means (raw unicode, chosen escapes).
    private void Begin(string? name = null)
    {
        if (name is null)
        {
            _json.Clear();
            _first.Clear();
        }
        else
        {
            Name(name);
        }

        _json.Append('{');
        _first.Push(true);
    }

    private void End()
    {
        _json.Append('}');
        _first.Pop();
    }

    private void Name(string name)
    {
        if (!_first.Pop())
        {
            _json.Append(',');
        }

        _first.Push(false);
        AppendString(name);
        _json.Append(':');
    }

    private void Str(string name, string value)
    {
        Name(name);
        AppendString(value);
    }

    private void Num(string name, string text)
    {
        Name(name);
        _json.Append(text);
    }

    private void Raw(string name, string json)
    {
        Name(name);
        _json.Append(json);
    }

    private void AppendString(string value)
    {
        _json.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    _json.Append("\\\"");
                    break;
                case '\\':
                    _json.Append("\\\\");
                    break;
                case '\n':
                    _json.Append("\\n");
                    break;
                case '\t':
                    _json.Append("\\t");
                    break;
                default:
                    _json.Append(c);
                    break;
            }
        }

        _json.Append('"');
    }

    private sealed class Trace(string id, int remaining)
    {
        public string Id { get; } = id;

        public int Remaining { get; set; } = remaining;
    }
}
