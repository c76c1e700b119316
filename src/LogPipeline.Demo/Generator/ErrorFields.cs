using System.Globalization;
using static LogPipeline.Demo.Generator.SmmVocabulary;

namespace LogPipeline.Demo.Generator;

/// <summary>The fields of an error record, written the many ways services report errors, so the worker's error
/// categories are exercised by status codes, exception types and words alike.</summary>
internal sealed class ErrorFields(RandomValues random, JsonTextBuilder json)
{
    /// <summary>Writes the error part of a record in category <paramref name="category"/>: a status alone, an
    /// error or exception object, an error level, or a warn level with an error message; returns the category
    /// the record must end up with.</summary>
    public string Write(string category, string ws, string tenant)
    {
        var statusOnly = StatusFor(category) is not null && random.Next(4) == 0;
        var message = statusOnly ? (random.Next(2) == 0 ? "Request failed" : "Call did not succeed") : ErrorMessage(category, ws, tenant);
        var status = StatusFor(category) ?? (random.Next(3) == 0 ? 500 : (int?)null);
        if (statusOnly)
        {
            // Only the status says what went wrong: no level, so the status must make it an error record.
            json.Str("message", message);
            json.Num(random.Next(2) == 0 ? "status_code" : "status", status!.Value.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            switch (random.Next(6))
            {
                case 0:
                    // No level at all: the error object alone marks it.
                    json.Str("message", "Request failed");
                    json.Begin("error");
                    json.Str("type", ErrorType(category));
                    json.Str("message", message);
                    json.End();
                    break;
                case 1:
                    json.Str("level", random.Of(ErrorLevels));
                    json.Str("message", message);
                    json.Begin("exception");
                    json.Str("type", "SmmArchitect." + ErrorType(category));
                    json.Str("message", message);
                    json.Str("stack_trace", "   at SmmArchitect.Router.Dispatch(Request r) in /src/Router.cs:line 142\n   at SmmArchitect.Host.Run()");
                    json.End();
                    break;
                case 2:
                    json.Str("level", "warn");
                    json.Str("error_message", message);
                    break;
                default:
                    json.Str("level", random.Of(ErrorLevels));
                    json.Str("message", message);
                    break;
            }

            if (status is not null && random.Next(2) == 0)
            {
                json.Begin("http");
                json.Begin("response");
                json.Num("status_code", status.Value.ToString(CultureInfo.InvariantCulture));
                json.End();
                json.End();
            }
        }

        if (random.Next(40) == 0)
        {
            // A producer that already knows the category: it must be kept as sent.
            json.Str("error_category", "upstream");
            return "upstream";
        }

        return category;
    }

    private string ErrorMessage(string category, string ws, string tenant)
    {
        var provider = random.Of(Providers);
        var model = random.Of(Models);
        return category switch
        {
            "rate_limit" => random.Pick(
                $"Rate limit exceeded for tenant {tenant} on {model}",
                $"{provider} answered 429 Too Many Requests; retry-after 20s",
                $"Request throttled by {provider} for {random.Email()}"),
            "quota" => random.Pick(
                $"Monthly token quota exhausted for workspace {ws}",
                $"Insufficient credits to run workflow wf_{random.Hex(8)}",
                $"Budget of $500.00 exceeded for tenant {tenant}; billing contact {random.Email()}"),
            "timeout" => random.Pick(
                $"Request to {provider} timed out after 30000 ms",
                $"Deadline exceeded while waiting for tool {random.Of(Tools)}",
                $"connect ETIMEDOUT {random.Address()}:443"),
            "auth" => random.Pick(
                $"Invalid API key {random.ApiKey()} for provider {provider}",
                $"Permission denied: {random.Email()} cannot access workspace {ws}",
                $"Authentication failed for user {random.Email()} with token {random.Jwt()}"),
            "not_found" => random.Pick(
                $"Workflow wf_{random.Hex(8)} not found in workspace {ws}",
                $"No such deployment dep-{random.Hex(8)}",
                $"Model {model} does not exist for tenant {tenant}"),
            "validation" => random.Pick(
                "Validation failed: field 'prompt' is required",
                $"Malformed JSON-RPC frame from {random.Address()}",
                "Bad request: max_tokens must be positive, got -1"),
            "protocol" => random.Pick(
                "MCP protocol version mismatch: client 2024-11-05, server 2025-06-18",
                "Unsupported protocol version 2023-01-01 offered by client",
                "Incompatible protocol: expected streamable-http"),
            "resource" => random.Pick(
                $"Container OOMKilled while loading {model}",
                "No space left on device /var/lib/models",
                "Out of memory allocating KV cache (24.0 GiB)"),
            "network" => random.Pick(
                $"connect ECONNREFUSED {PrivateAddresses[random.Next(3)]}:8080",
                $"TLS handshake with api.{provider}.com failed",
                "socket hang up while streaming completion"),
            "upstream" => random.Pick(
                $"502 Bad Gateway from {provider}",
                $"Service unavailable: {model} is overloaded",
                $"Provider error from {provider} (request req_{random.Hex(12)})"),
            "model" => random.Pick(
                $"Context length exceeded: {random.Next(200_001, 400_000)} tokens for {model}",
                "Content filter blocked the completion",
                "Invalid model output: expected a tool call, got prose"),
            _ => random.Pick(
                "Unhandled exception in workflow executor",
                "Object reference not set to an instance of an object.",
                $"Assertion failed in scheduler (shard {random.Next(64)})"),
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
}
