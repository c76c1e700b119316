using System.Text;
using System.Text.Json;
using Enrichers.Errors;
using Enrichers.Json;

namespace Enrichers.Tests.Errors;

public sealed class ErrorCategoryEnricherTests
{
    private readonly EnrichmentStatistics _statistics = new();

    private ErrorCategoryEnricher Create(ErrorCategoryOptions? options = null) => new(options ?? new ErrorCategoryOptions(), _statistics);

    private string? Category(string json, ErrorCategoryEnricher? enricher = null)
    {
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out var rejection);
        Assert.True(record is not null, rejection?.Reason);
        (enricher ?? Create()).Enrich(record);
        var doc = JsonDocument.Parse(record.ToUtf8Bytes()).RootElement;
        return doc.TryGetProperty("error_category", out var c) ? c.GetString() : null;
    }

    private string? ErrorMessage(string text) =>
        Category("{\"level\":\"error\",\"message\":" + JsonSerializer.Serialize(text) + "}");

    [Theory]
    [InlineData("Rate limit exceeded", "rate_limit")]
    [InlineData("RATE_LIMIT_EXCEEDED", "rate_limit")]
    [InlineData("429 Too Many Requests", "rate_limit")]
    [InlineData("request throttled", "rate_limit")]
    [InlineData("Throttling: slow down", "rate_limit")]
    [InlineData("monthly quota exhausted", "quota")]
    [InlineData("Insufficient credits", "quota")]
    [InlineData("Payment Required", "quota")]
    [InlineData("budget exceeded", "quota")]
    [InlineData("billing account suspended", "quota")]
    [InlineData("read timeout", "timeout")]
    [InlineData("request timed out", "timeout")]
    [InlineData("DEADLINE_EXCEEDED", "timeout")]
    [InlineData("connect ETIMEDOUT 10.0.0.1:443", "timeout")]
    [InlineData("Unauthorized", "auth")]
    [InlineData("permission denied for workspace", "auth")]
    [InlineData("Invalid API key provided", "auth")]
    [InlineData("token expired at 12:00", "auth")]
    [InlineData("authentication failed", "auth")]
    [InlineData("Workflow not found", "not_found")]
    [InlineData("no such file or directory", "not_found")]
    [InlineData("model does not exist", "not_found")]
    [InlineData("validation failed", "validation")]
    [InlineData("INVALID_ARGUMENT: max_tokens", "validation")]
    [InlineData("field 'prompt' is required", "validation")]
    [InlineData("malformed frame", "validation")]
    [InlineData("schema mismatch", "validation")]
    [InlineData("MCP protocol version mismatch", "protocol")]
    [InlineData("unsupported protocol", "protocol")]
    [InlineData("container OOMKilled", "resource")]
    [InlineData("OOM while loading", "resource")]
    [InlineData("No space left on device", "resource")]
    [InlineData("RESOURCE_EXHAUSTED", "resource")]
    [InlineData("connect ECONNREFUSED 127.0.0.1:80", "network")]
    [InlineData("read ECONNRESET", "network")]
    [InlineData("TLS handshake failure", "network")]
    [InlineData("DNS lookup failed", "network")]
    [InlineData("SSL_ERROR_SYSCALL", "network")]
    [InlineData("socket hang up", "network")]
    [InlineData("write: broken pipe", "network")]
    [InlineData("502 Bad Gateway", "upstream")]
    [InlineData("Service Unavailable", "upstream")]
    [InlineData("model is overloaded", "upstream")]
    [InlineData("upstream connect error", "upstream")]
    [InlineData("content filter triggered", "model")]
    [InlineData("context length exceeded", "model")]
    [InlineData("invalid model output", "model")]
    [InlineData("Object reference not set to an instance of an object.", "internal")]
    public void A_phrase_in_the_message_decides_the_category(string message, string expected)
    {
        Assert.Equal(expected, ErrorMessage(message));
    }

    [Theory]
    [InlineData("Service unavailable because of the rate limit", "rate_limit")]
    [InlineData("upstream timed out", "timeout")]
    [InlineData("bad request: quota field is required", "quota")]
    [InlineData("DNS lookup for upstream host: not found", "not_found")]
    public void The_first_category_in_precedence_order_wins(string message, string expected)
    {
        Assert.Equal(expected, ErrorMessage(message));
    }

    [Theory]
    [InlineData("request timed out of memory budget", "quota")]
    [InlineData("timed out of memory", "timeout")]
    [InlineData("out of memory, then the call timed out", "timeout")]
    [InlineData("OOMKilled after DNS failure", "resource")]
    [InlineData("Service_Unavailable -- CONTENT   FILTER", "upstream")]
    public void Overlapping_phrases_of_different_categories_are_all_seen(string message, string expected)
    {
        Assert.Equal(expected, ErrorMessage(message));
    }

    [Fact]
    public void The_word_matcher_and_the_regex_path_agree_on_generated_error_texts()
    {
        // A phrase with punctuation sends the whole rule set down the regex path.
        var regexRules = ErrorCategoryOptions.DefaultRules.Append(new ErrorCategoryRule("odd", ["a.b"], [])).ToList();
        var words = Create();
        var regex = Create(new ErrorCategoryOptions { Rules = regexRules });
        var generator = new Random(5);
        var vocabulary = ErrorCategoryOptions.DefaultRules.SelectMany(r => r.Phrases)
            .Concat(["request", "failed", "timeouts", "x-rate", "limit_", "OUT", "of", "-", "_", "é", "ä", "42", ".", ",", "ok"]).ToArray();

        for (var i = 0; i < 3000; i++)
        {
            var text = string.Join(generator.Next(3) switch { 0 => " ", 1 => "_", _ => " - " },
                Enumerable.Range(0, generator.Next(1, 7)).Select(_ => vocabulary[generator.Next(vocabulary.Length)]));
            text = generator.Next(2) == 0 ? text.ToUpperInvariant() : text;

            Assert.Equal(regex.Categorize([text], null), words.Categorize([text], null));
        }
    }

    [Fact]
    public void A_rule_whose_phrase_starts_another_rules_phrase_still_wins_by_precedence()
    {
        var options = new ErrorCategoryOptions
        {
            Rules = [new ErrorCategoryRule("first", ["rate limit"], []), new ErrorCategoryRule("second", ["rate limit exceeded", "boom"], [])],
        };
        var enricher = Create(options);

        Assert.Equal("first", Category("{\"level\":\"error\",\"message\":\"rate limit exceeded\"}", enricher));
        Assert.Equal("second", Category("{\"level\":\"error\",\"message\":\"boom\"}", enricher));
    }

    [Theory]
    [InlineData("Too many timeouts in a row")]
    [InlineData("authorization header present")]
    [InlineData("dnsmasq restarted")]
    [InlineData("OpenSSLv3 panic")]
    [InlineData("the budgetary plan")]
    [InlineData("roomy schemas")]
    [InlineData("Zeitüberschreitung: ätimeout")]
    [InlineData("rate-limited")]
    public void Phrases_match_only_as_whole_words(string message)
    {
        Assert.Equal("internal", ErrorMessage(message));
    }

    [Fact]
    public void Phrases_in_error_and_exception_fields_count_across_fields()
    {
        Assert.Equal("timeout", Category("{\"message\":\"upstream call failed\",\"error\":{\"type\":\"X\",\"message\":\"timed out\"}}"));
        Assert.Equal("auth", Category("{\"exception\":{\"type\":\"Forbidden\",\"message\":\"nope\"}}"));
        Assert.Equal("model", Category("{\"exception.message\":\"context length exceeded\"}"));
        Assert.Equal("network", Category("{\"error\":\"ECONNRESET\"}"));
        Assert.Equal("quota", Category("{\"level\":\"warn\",\"error_message\":\"Quota exceeded\"}"));
        Assert.Equal("not_found", Category("{\"level\":\"fatal\",\"error.type\":\"no such table\"}"));
    }

    [Theory]
    [InlineData("{\"status\":429}", "rate_limit")]
    [InlineData("{\"status\":\"402\"}", "quota")]
    [InlineData("{\"status_code\":408}", "timeout")]
    [InlineData("{\"http\":{\"status_code\":504}}", "timeout")]
    [InlineData("{\"http.status_code\":401}", "auth")]
    [InlineData("{\"http\":{\"response\":{\"status_code\":403}}}", "auth")]
    [InlineData("{\"http.response.status_code\":404}", "not_found")]
    [InlineData("{\"http.response\":{\"status_code\":410}}", "not_found")]
    [InlineData("{\"http\":{\"response.status_code\":400}}", "validation")]
    [InlineData("{\"status\":409}", "validation")]
    [InlineData("{\"status\":413}", "validation")]
    [InlineData("{\"status\":415}", "validation")]
    [InlineData("{\"status\":422}", "validation")]
    [InlineData("{\"status\":502}", "upstream")]
    [InlineData("{\"status\":503}", "upstream")]
    [InlineData("{\"status\":500}", "internal")]
    [InlineData("{\"status\":599}", "internal")]
    [InlineData("{\"status\":418}", "internal")]
    [InlineData("{\"status\":200,\"http\":{\"response\":{\"status_code\":503}}}", "upstream")]
    [InlineData("{\"status\":404,\"message\":\"Request failed\"}", "not_found")]
    [InlineData("{\"http\":{\"response\":{\"status_code\":503},\"response.status_code\":404}}", "not_found")]
    [InlineData("{\"http\":{\"st\\u0061tus_code\":404,\"response\":{\"status_code\":503}}}", "not_found")]
    [InlineData("{\"le\\u0076el\":\"ERROR\",\"http\":{\"response\":{\"status_code\":410},\"response\":{\"status_code\":503}}}", "not_found")]
    public void Without_a_phrase_the_status_decides(string json, string expected)
    {
        Assert.Equal(expected, Category(json));
    }

    // Issue 16: a status or an exception type says what happened; words only describe it. (This replaced the row
    // "status 404 with 'upstream returned nothing' is upstream" of the theory above: a phrase used to win.)
    [Theory]
    [InlineData("{\"status\":404,\"message\":\"upstream returned nothing\"}", "not_found")]
    [InlineData("{\"level\":\"error\",\"message\":\"timed out waiting\",\"http\":{\"response\":{\"status_code\":429}}}", "rate_limit")]
    [InlineData("{\"error\":{\"type\":\"System.UnauthorizedAccessException\",\"message\":\"request timed out\"}}", "auth")]
    [InlineData("{\"error.type\":\"java.net.SocketTimeoutException\",\"error.message\":\"upstream said no\"}", "timeout")]
    [InlineData("{\"exception\":{\"type\":\"Outer+KeyNotFoundException\",\"message\":\"x\"}}", "not_found")]
    [InlineData("{\"error_type\":\"PermissionError\",\"level\":\"error\"}", "auth")]
    [InlineData("{\"error\":{\"type\":\"UnauthorizedAccessException\"},\"status\":503}", "upstream")]
    [InlineData("{\"error\":{\"type\":\"ProviderException\",\"message\":\"rate limit hit\"},\"status\":500}", "rate_limit")]
    [InlineData("{\"error\":{\"type\":\"NullReferenceException\",\"message\":\"Object reference not set\"}}", "internal")]
    public void A_listed_status_then_a_listed_exception_type_decide_before_the_words(string json, string expected)
    {
        Assert.Equal(expected, Category(json));
    }

    [Fact]
    public void Exception_types_are_data_checked_at_start()
    {
        var options = new ErrorCategoryOptions
        {
            Rules = [new ErrorCategoryRule("a", [], [], ["System.Bad", "Same"]), new ErrorCategoryRule("b", [], [], ["same"])],
        };

        var errors = options.Validate("E").ToList();

        Assert.Contains(errors, e => e.StartsWith("E:Rules:0:ExceptionTypes:0 is 'System.Bad'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("E:Rules:1:ExceptionTypes:0 is 'same', which rule 'a' already has", StringComparison.Ordinal));
        Assert.Equal("b", Category("{\"error_type\":\"Ns.SAME\"}", Create(new ErrorCategoryOptions { Rules = [new ErrorCategoryRule("b", [], [], ["Same"])] })));
    }

    [Theory]
    [InlineData("error")]
    [InlineData("ERROR")]
    [InlineData("Err")]
    [InlineData("fatal")]
    [InlineData("Critical")]
    [InlineData("crit")]
    [InlineData("ALERT")]
    [InlineData("emerg")]
    [InlineData("panic")]
    public void Every_error_level_in_any_case_makes_an_error_record(string level)
    {
        Assert.Equal("internal", Category("{\"level\":\"" + level + "\",\"message\":\"something broke\"}"));
    }

    [Theory]
    [InlineData("{\"level\":\"info\",\"message\":\"retrying after timeout\"}")]
    [InlineData("{\"level\":\"warning\",\"message\":\"rate limit close\"}")]
    [InlineData("{\"level\":\"errors\"}")]
    [InlineData("{\"level\":\"erro\"}")]
    [InlineData("{\"level\":\"ERR0R\"}")]
    [InlineData("{\"level\":\"critical!\"}")]
    [InlineData("{\"http\":{\"response\":\"x\",\"response\":{\"status_code\":503}}}")]
    [InlineData("{\"level\":5,\"status\":399}")]
    [InlineData("{\"status\":200,\"status_code\":\"204\",\"http\":{\"response\":{\"status_code\":301}}}")]
    [InlineData("{\"error\":\"\",\"error_message\":null,\"exception\":{},\"error.message\":\"\"}")]
    [InlineData("{\"error\":false,\"status\":\"bad\"}")]
    [InlineData("{\"status\":40400}")]
    [InlineData("{\"message\":\"error\"}")]
    public void Other_records_get_no_category_and_are_left_exactly_as_they_were(string json)
    {
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out _)!;

        Create().Enrich(record);

        Assert.Equal(json, record.ToString());
        Assert.Equal(0, _statistics.ErrorCategories.Total);
    }

    [Fact]
    public void A_category_set_by_the_producer_is_kept_and_counted()
    {
        Assert.Equal("billing_dispute", Category("{\"level\":\"error\",\"message\":\"timeout\",\"error_category\":\"billing_dispute\"}"));
        Assert.Equal("quota", Category("{\"error_category\":\"quota\"}"));

        Assert.Equal(1, _statistics.ErrorCategories["other"]);
        Assert.Equal(1, _statistics.ErrorCategories["quota"]);
    }

    [Fact]
    public void Assigned_categories_are_counted()
    {
        var enricher = Create();
        Category("{\"level\":\"error\",\"message\":\"timed out\"}", enricher);
        Category("{\"level\":\"error\",\"message\":\"read timeout\"}", enricher);
        Category("{\"status\":503}", enricher);

        Assert.Equal(2, _statistics.ErrorCategories["timeout"]);
        Assert.Equal(1, _statistics.ErrorCategories["upstream"]);
    }

    [Fact]
    public void Rules_are_data_a_configured_list_replaces_the_defaults()
    {
        var options = new ErrorCategoryOptions
        {
            Rules = [new ErrorCategoryRule("gpu", ["CUDA error", "xid"], [507]), new ErrorCategoryRule("timeout", ["took too long"], [])],
            DefaultCategory = "unknown",
        };
        var enricher = Create(options);

        Assert.Equal("gpu", Category("{\"level\":\"error\",\"message\":\"cuda   ERROR: device lost\"}", enricher));
        Assert.Equal("gpu", Category("{\"status\":507}", enricher));
        Assert.Equal("timeout", Category("{\"level\":\"error\",\"message\":\"query took too long\"}", enricher));
        Assert.Equal("unknown", Category("{\"level\":\"error\",\"message\":\"rate limit\"}", enricher));
        Assert.Equal("unknown", Category("{\"status\":429}", enricher));
    }

    [Theory]
    [InlineData("KILL SWITCH engaged", "kill")]
    [InlineData("the \u212Aill switch engaged", "kill")]
    [InlineData("1UP granted", "one")]
    [InlineData("killswitch engaged", "unknown")]
    [InlineData("Qup granted", "unknown")]
    [InlineData("\u00e9t\u00e9 fini", "summer")]
    [InlineData("\u00c9T\u00c9 fini", "summer")]
    public void A_phrase_is_found_whatever_the_case_of_its_first_char_and_words_that_start_none_are_passed_over(string message, string expected)
    {
        // The Kelvin sign lowercases to an ASCII 'k'; '1' and 'q' have the same low six bits.
        var options = new ErrorCategoryOptions
        {
            Rules = [new ErrorCategoryRule("kill", ["kill switch"], []), new ErrorCategoryRule("one", ["1up"], []), new ErrorCategoryRule("summer", ["\u00e9t\u00e9"], [])],
            DefaultCategory = "unknown",
        };

        Assert.Equal(expected, Category("{\"level\":\"error\",\"message\":\"" + message + "\"}", Create(options)));
    }

    [Fact]
    public void Regex_characters_in_phrases_are_taken_literally()
    {
        var options = new ErrorCategoryOptions { Rules = [new ErrorCategoryRule("odd", ["a.b (c)", "x+"], [])] };
        var enricher = Create(options);

        Assert.Equal("odd", Category("{\"level\":\"error\",\"message\":\"see a.b (c) now\"}", enricher));
        Assert.Equal("internal", Category("{\"level\":\"error\",\"message\":\"see axb (c) now\"}", enricher));
    }

    [Theory]
    [InlineData("rate limit exceededx", "limits")]
    [InlineData("xrate limit then rate limit", "limits")]
    [InlineData("ratelimit exceeded", "internal")]
    [InlineData("rate limit exceeded", "limits")]
    public void A_phrase_running_into_a_word_falls_back_to_a_shorter_phrase_or_a_later_match(string message, string expected)
    {
        var options = new ErrorCategoryOptions { Rules = [new ErrorCategoryRule("limits", ["rate limit exceeded", "rate limit"], [])] };

        Assert.Equal(expected, Category("{\"level\":\"error\",\"message\":\"" + message + "\"}", Create(options)));
    }

    [Theory]
    [InlineData("Rate Limit", "Enrichment:ErrorCategories:Rules:0:Name is 'Rate Limit'")]
    [InlineData("dup", "Enrichment:ErrorCategories:Rules:1:Name is 'dup', which an earlier rule already uses")]
    public void Invalid_rule_names_are_refused_with_the_key(string name, string expected)
    {
        var options = new EnrichmentOptions
        {
            ErrorCategories = { Rules = [new ErrorCategoryRule(name, ["a"], []), new ErrorCategoryRule("dup", ["b"], [])] },
        };
        if (name == "dup")
        {
            options.ErrorCategories.Rules[0].Name = "dup";
        }

        var ex = Assert.Throws<EnrichmentConfigurationException>(() => EnrichmentChain.Create(options));

        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Invalid_statuses_phrases_and_default_are_refused_with_the_key()
    {
        var options = new ErrorCategoryOptions
        {
            Rules = [new ErrorCategoryRule("a", [" "], [700, 429]), new ErrorCategoryRule("b", [], [429]), new ErrorCategoryRule("c", [], [])],
            DefaultCategory = "",
        };

        var errors = options.Validate("E").ToList();

        Assert.Contains(errors, e => e.StartsWith("E:DefaultCategory is ''", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("E:Rules:0:Phrases:0 is empty", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("E:Rules:0:Statuses contains 700", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("E:Rules:1:Statuses contains 429, which rule 'a' already has", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("E:Rules:2 ('c') has no Phrases and no Statuses", StringComparison.Ordinal));
        Assert.Empty(new ErrorCategoryOptions().Validate("E"));
    }

    [Fact]
    public void The_shared_enricher_is_safe_to_use_from_several_threads()
    {
        var enricher = Create();
        var messages = new[] { "rate limit", "timed out", "ECONNRESET", "not found" };

        Parallel.For(0, 4000, i =>
            Category("{\"level\":\"error\",\"message\":\"" + messages[i % 4] + "\"}", enricher));

        Assert.Equal(1000, _statistics.ErrorCategories["rate_limit"]);
        Assert.Equal(1000, _statistics.ErrorCategories["timeout"]);
        Assert.Equal(1000, _statistics.ErrorCategories["network"]);
        Assert.Equal(1000, _statistics.ErrorCategories["not_found"]);
    }
    [Theory]
    [InlineData("{\"le\\u0076el\":\"error\",\"message\":\"boom\"}", "internal")]
    [InlineData("{\"level\":\"info\",\"http\":{\"status_code\":404}}", "not_found")]
    [InlineData("{\"levex\":\"error\",\"statur\":500,\"errors\":\"boom\",\"ht\\u0074p\":{\"status_code\":200}}", null)]
    public void Names_are_told_apart_by_their_whole_name_not_by_their_length_and_first_char(string json, string? expected)
    {
        // Collect rules a name out by its length and first char before comparing it: escaped names (no first char
        // known) and names that share both with a field it reads must still be compared whole.
        Assert.Equal(expected, Category(json));
    }
}
