namespace Enrichers.Errors;

/// <summary>One error category: the HTTP statuses and exception types that mean it, and the phrases that signal it
/// in error text. A status a rule lists decides first, then an exception type a rule lists, then the first rule (in
/// list order) with a phrase in the text: a status or a type says what happened, words only describe it.</summary>
public sealed class ErrorCategoryRule
{
    public ErrorCategoryRule()
    {
    }

    public ErrorCategoryRule(string name, string[] phrases, int[] statuses, string[]? exceptionTypes = null)
    {
        Name = name;
        Phrases = phrases;
        Statuses = statuses;
        ExceptionTypes = exceptionTypes ?? [];
    }

    /// <summary>The value written to <c>error_category</c> (lowercase, e.g. <c>rate_limit</c>).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Words or phrases matched case-insensitively as whole words; between the words of a phrase any
    /// run of spaces, <c>_</c> or <c>-</c> matches, so <c>rate limit</c> also finds <c>RATE_LIMIT_EXCEEDED</c>.</summary>
    public string[] Phrases { get; set; } = [];

    /// <summary>HTTP statuses that mean this category, whatever the text says.</summary>
    public int[] Statuses { get; set; } = [];

    /// <summary>Exception types that mean this category when the record has no listed status, by simple name
    /// (<c>System.UnauthorizedAccessException</c> matches <c>UnauthorizedAccessException</c>), ignoring case.</summary>
    public string[] ExceptionTypes { get; set; } = [];
}
