namespace Enrichers.Errors;

/// <summary>Options of error categorization (section <c>Enrichment:ErrorCategories</c>).</summary>
public sealed class ErrorCategoryOptions
{
    /// <summary>The categories in precedence order. Null (the default) means <see cref="DefaultRules"/>; a
    /// configured list replaces the defaults entirely (copy them from docs/enrichment.md to extend them).</summary>
    public List<ErrorCategoryRule>? Rules { get; set; }

    /// <summary>The category of an error record that no phrase and no listed status explains (including
    /// other statuses ≥ 500). Default <c>internal</c>.</summary>
    public string DefaultCategory { get; set; } = "internal";

    /// <summary>The rules in effect.</summary>
    public IReadOnlyList<ErrorCategoryRule> EffectiveRules => Rules is { Count: > 0 } rules ? rules : DefaultRules;

    /// <summary>The default rules, in precedence order.</summary>
    public static IReadOnlyList<ErrorCategoryRule> DefaultRules { get; } =
    [
        new("rate_limit", ["rate limit", "too many requests", "throttled", "throttling"], [429],
            ["RateLimitError", "RateLimitException", "RateLimitExceededException", "TooManyRequestsException", "ThrottlingException"]),
        new("quota", ["quota", "budget", "insufficient credits", "billing", "payment required"], [402],
            ["QuotaExceededException", "InsufficientQuotaError", "PaymentRequiredException"]),
        new("timeout", ["timeout", "timed out", "deadline exceeded", "ETIMEDOUT"], [408, 504],
            ["TimeoutException", "TimeoutError", "SocketTimeoutException", "TaskCanceledException", "ConnectTimeout", "ReadTimeout",
                "ReadTimeoutError", "DeadlineExceededError", "RequestTimeoutException"]),
        new("auth", ["unauthorized", "unauthenticated", "forbidden", "permission denied", "access denied", "invalid api key",
            "invalid token", "token expired", "authentication failed"], [401, 403],
            ["UnauthorizedAccessException", "AuthenticationException", "AuthenticationError", "AuthorizationException", "SecurityException",
                "AccessDeniedException", "PermissionError", "PermissionDeniedError", "ForbiddenException", "UnauthorizedException"]),
        new("not_found", ["not found", "no such", "does not exist"], [404, 410],
            ["FileNotFoundException", "DirectoryNotFoundException", "KeyNotFoundException", "NotFoundException", "NotFoundError",
                "FileNotFoundError", "NoSuchElementException", "NoSuchFileException", "EntityNotFoundException", "ResourceNotFoundException"]),
        new("validation", ["validation", "invalid argument", "bad request", "malformed", "unprocessable", "is required", "schema"],
            [400, 409, 413, 415, 422],
            ["ArgumentException", "ArgumentNullException", "ArgumentOutOfRangeException", "FormatException", "ValidationException",
                "ValidationError", "ValueError", "IllegalArgumentException", "JsonException", "BadRequestException"]),
        new("protocol", ["protocol version", "version mismatch", "unsupported protocol", "incompatible protocol"], [],
            ["ProtocolViolationException", "ProtocolError"]),
        new("resource", ["out of memory", "OOM", "OOMKilled", "disk full", "no space left", "resource exhausted"], [],
            ["OutOfMemoryException", "OutOfMemoryError", "InsufficientMemoryException", "MemoryError", "StackOverflowException", "StackOverflowError"]),
        new("network", ["connection refused", "ECONNREFUSED", "ECONNRESET", "connection reset", "host unreachable",
            "network unreachable", "DNS", "name resolution", "TLS handshake", "SSL", "socket hang up", "broken pipe"], [],
            ["SocketException", "HttpRequestException", "ConnectException", "ConnectionError", "ConnectionRefusedError",
                "ConnectionResetError", "UnknownHostException", "NoRouteToHostException", "SSLException"]),
        new("upstream", ["bad gateway", "service unavailable", "upstream", "overloaded", "provider error"], [502, 503],
            ["BadGatewayException", "ServiceUnavailableException", "ServiceUnavailableError"]),
        new("model", ["content filter", "context length", "maximum context", "model error", "invalid model output"], [],
            ["ContentFilterError", "ContextLengthExceededError"]),
    ];

    /// <summary>Every problem with these options, each naming the key (under <paramref name="prefix"/>),
    /// the value and what is allowed.</summary>
    public IEnumerable<string> Validate(string prefix)
    {
        if (!IsName(DefaultCategory))
        {
            yield return $"{prefix}:DefaultCategory is '{DefaultCategory}'; allowed: lowercase letters, digits and '_' (e.g. internal).";
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var statuses = new Dictionary<int, string>();
        var types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var rules = EffectiveRules;
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var key = $"{prefix}:Rules:{i}";
            if (!IsName(rule.Name))
            {
                yield return $"{key}:Name is '{rule.Name}'; allowed: lowercase letters, digits and '_' (e.g. rate_limit).";
            }
            else if (!names.Add(rule.Name))
            {
                yield return $"{key}:Name is '{rule.Name}', which an earlier rule already uses; allowed: one rule per category.";
            }

            if ((rule.Phrases?.Length ?? 0) == 0 && (rule.Statuses?.Length ?? 0) == 0 && (rule.ExceptionTypes?.Length ?? 0) == 0)
            {
                yield return $"{key} ('{rule.Name}') has no Phrases and no Statuses (nor ExceptionTypes); allowed: at least one of them.";
            }

            for (var j = 0; j < (rule.ExceptionTypes?.Length ?? 0); j++)
            {
                var type = rule.ExceptionTypes![j];
                if (string.IsNullOrWhiteSpace(type) || type.Contains('.') || type.Any(char.IsWhiteSpace))
                {
                    yield return $"{key}:ExceptionTypes:{j} is '{type}'; allowed: a simple type name without namespace (e.g. TimeoutException).";
                }
                else if (!types.TryAdd(type, rule.Name))
                {
                    yield return $"{key}:ExceptionTypes:{j} is '{type}', which rule '{types[type]}' already has; allowed: each type in one rule.";
                }
            }

            for (var j = 0; j < (rule.Phrases?.Length ?? 0); j++)
            {
                if (string.IsNullOrWhiteSpace(rule.Phrases![j]))
                {
                    yield return $"{key}:Phrases:{j} is empty; allowed: a word or phrase.";
                }
            }

            foreach (var status in rule.Statuses ?? [])
            {
                if (status is < 100 or > 599)
                {
                    yield return $"{key}:Statuses contains {status}; allowed: HTTP statuses 100 to 599.";
                }
                else if (!statuses.TryAdd(status, rule.Name))
                {
                    yield return $"{key}:Statuses contains {status}, which rule '{statuses[status]}' already has; allowed: each status in one rule.";
                }
            }
        }
    }

    private static bool IsName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64 && !name.AsSpan().ContainsAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789_");
}
