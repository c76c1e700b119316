using System.Globalization;
using static LogPipeline.Demo.Generator.SmmVocabulary;

namespace LogPipeline.Demo.Generator;

/// <summary>What each of the five services writes: its messages when all is well, and its own fields (models and
/// costs, canary weights, tool calls, audit actors with PII, HTTP requests), with client addresses in every
/// place the worker looks for them.</summary>
internal sealed class ServiceFields(RandomValues random, JsonTextBuilder json)
{
    /// <summary>Writes the level and message of a record that is not an error (and sometimes a 2xx status).</summary>
    public void WriteMessage(string service, string ws, string tenant)
    {
        json.Str("level", random.Of(Levels));
        var model = random.Of(Models);
        var message = service switch
        {
            "model-router" => random.Next(4) switch
            {
                0 => $"Routed chat completion to {model} for workspace {ws}",
                1 => $"Retrying after timeout on {random.Of(Providers)}, attempt 2 of 3",
                2 => $"Cache hit for prompt hash {random.Hex(40)}",
                _ => $"Fallback from {model} to gpt-4o-mini: \"latency budget\" reached",
            },
            "canary-controller" => random.Next(3) switch
            {
                0 => $"Shifted {random.Next(1, 50)}% of traffic to canary v2.{random.Next(10, 20)}.{random.Next(0, 9)}",
                1 => $"Canary analysis passed for deployment dep-{random.Hex(8)} (error rate 0.{random.Next(100, 999)}%)",
                _ => "Promoted canary v2.15.0 to stable; previous v2.14.3 kept for rollback",
            },
            "mcp-gateway" => random.Next(3) switch
            {
                0 => $"Tool call {random.Of(Tools)} completed in {random.Next(3, 900)} ms",
                1 => $"MCP session initialized with client {random.Email()} over streamable-http",
                _ => $"Forwarded request from {random.Address()} to tool server",
            },
            "audit-service" => random.Next(4) switch
            {
                0 => $"User {random.Email()} invited {random.Email()} to workspace {ws}",
                1 => $"API key {random.ApiKey()} created by {random.Email()}",
                2 => $"Payment method updated: card {random.Card()} for tenant {tenant}",
                _ => $"Contact details changed: phone {random.Phone()}, IBAN {random.Iban()}",
            },
            _ => random.Next(4) switch
            {
                0 => $"GET /v1/workspaces/{ws}/agents 200 in {random.Next(2, 300)} ms",
                1 => $"Workspace renamed to \"Équipe Données 日本\" by {random.Email()}",
                2 => $"Order 4{random.Digits(15)}9 exported for {random.Email()}",
                _ => $"Webhook delivered to https://hooks.{random.Of(Domains)}/smm?id={random.Hex(12)}",
            },
        };
        json.Str("message", message);
        if (random.Next(4) == 0)
        {
            json.Num("status", random.Next(2) == 0 ? "200" : (200 + random.Next(4)).ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Writes the fields that only <paramref name="service"/> logs; <paramref name="usedRequest"/> says the
    /// trace part wrote a "request" object already.</summary>
    public void WriteFields(string service, string ws, bool isError, bool usedRequest)
    {
        switch (service)
        {
            case "model-router":
                json.Str("model_id", random.Of(Models));
                json.Str("provider", random.Of(Providers));
                json.Num("latency_ms", random.Next(40, 9000).ToString(CultureInfo.InvariantCulture));
                if (random.Next(2) == 0)
                {
                    json.Num("token_count", random.Next(10, 120_000).ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    json.Begin("usage");
                    json.Num("prompt_tokens", random.Next(10, 100_000).ToString(CultureInfo.InvariantCulture));
                    json.Num("completion_tokens", random.Next(1, 4000).ToString(CultureInfo.InvariantCulture));
                    json.End();
                }

                json.Num("cost_usd", (random.Next(1, 500_000) / 1_000_000.0).ToString("0.000000", CultureInfo.InvariantCulture));
                json.Str("agent_type", random.Of(AgentTypes));
                break;
            case "canary-controller":
                json.Str("deployment_id", "dep-" + random.Hex(8));
                json.Num("canary_weight", random.Next(0, 101).ToString(CultureInfo.InvariantCulture));
                json.Str("stable_version", "v2.14.3");
                json.Str("canary_version", "v2.15.0-rc." + random.Next(1, 9).ToString(CultureInfo.InvariantCulture));
                json.Num("error_rate", "1.0e-3");
                json.Num("request_total", "18446744073709551615");
                break;
            case "mcp-gateway":
                json.Str("mcp_protocol_version", random.Next(4) == 0 ? "2024-11-05" : "2025-06-18");
                json.Str("agent_type", random.Of(AgentTypes));
                json.Str("tool", random.Of(Tools));
                WriteClientAddress();
                if (!usedRequest && random.Next(3) == 0)
                {
                    json.Begin("request");
                    json.Str("method", "POST");
                    json.Str("path", "/mcp");
                    json.Begin("headers");
                    json.Str("user-agent", "smm-agent/1.8.2 (+https://smm-platform.dev)");
                    json.Str("authorization", "Bearer " + random.Token(32));
                    if (random.Next(2) == 0)
                    {
                        json.Str("x-api-key", random.ApiKey());
                    }

                    json.End();
                    json.End();
                }

                break;
            case "audit-service":
                json.Str("action", random.Of(Actions));
                json.Begin("actor");
                json.Str("email", random.Email());
                json.Str("user_id", "usr_" + random.Hex(12));
                if (random.Next(3) == 0)
                {
                    json.Str("phone", random.Phone());
                }

                json.End();
                json.Begin("client");
                json.Str("ip", random.Address());
                json.End();
                if (random.Next(4) == 0)
                {
                    json.Begin("details");
                    json.Begin("payment");
                    json.Str("card_number", random.Card());
                    json.Str("ssn", random.Ssn());
                    json.End();
                    json.Str("notes", "Customer asked to update billing, see ticket #" + random.Digits(6));
                    json.Str("dsn", $"postgres://billing:{random.Token(12)}@db-{random.Hex(4)}.internal:5432/smm");
                    json.End();
                }

                break;
            default:
                if (isError)
                {
                    // The error part may have written an "http" object already; a dotted key avoids a duplicate.
                    json.Str("http.request.method", "POST");
                }
                else
                {
                    json.Begin("http");
                    json.Begin("request");
                    json.Str("method", random.Next(3) == 0 ? "POST" : "GET");
                    json.End();
                    json.Begin("response");
                    json.Num("status_code", random.Next(5) == 0 ? "204" : "200");
                    json.End();
                    json.End();
                }

                json.Str("url.path", random.Of(Paths).Replace("{ws}", ws, StringComparison.Ordinal)
                    .Replace("{wf}", "wf_" + random.Hex(8), StringComparison.Ordinal).Replace("{tn}", "tn_" + random.Hex(8), StringComparison.Ordinal));
                WriteClientAddress();
                json.Str("workflow_id", "wf_" + random.Hex(8));
                json.Begin("user");
                json.Str("email", random.Email());
                json.Str("roles", "admin");
                json.End();
                if (random.Next(5) == 0)
                {
                    json.Raw("tags", "[\"beta\",\"eu-west-1\",[1,2.50,-0.0],null,true]");
                }

                break;
        }

        if (random.Next(6) == 0)
        {
            json.Raw("labels", "{\"team\":\"platform\",\"path\":\"C:\\\\models\\\\cache\",\"note\":\"caf\\u00e9 \\ud83d\\ude80\\ttab\"}");
        }
    }

    private void WriteClientAddress()
    {
        switch (random.Next(5))
        {
            case 0:
                json.Str("client_ip", random.Address());
                break;
            case 1:
                json.Str("x_forwarded_for", $"{PrivateAddresses[random.Next(4)]}, {random.PublicAddress()}, 10.0.0.1");
                break;
            case 2:
                json.Begin("source");
                json.Str("ip", random.Address());
                json.End();
                break;
            case 3:
                json.Str("remote_addr", random.Next(8) == 0 ? "999.12.4.1" : random.Address());
                break;
            default:
                json.Str("client.ip", random.PublicAddress());
                break;
        }
    }
}
