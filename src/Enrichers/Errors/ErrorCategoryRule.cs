namespace Enrichers.Errors;

/// <summary>One error category: the phrases that signal it in error text and the HTTP statuses that mean
/// it when no phrase matches. Rules are tried in list order; the first whose phrase matches wins.</summary>
public sealed class ErrorCategoryRule
{
    public ErrorCategoryRule()
    {
    }

    public ErrorCategoryRule(string name, string[] phrases, int[] statuses)
    {
        Name = name;
        Phrases = phrases;
        Statuses = statuses;
    }

    /// <summary>The value written to <c>error_category</c> (lowercase, e.g. <c>rate_limit</c>).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Words or phrases matched case-insensitively as whole words; between the words of a phrase any
    /// run of spaces, <c>_</c> or <c>-</c> matches, so <c>rate limit</c> also finds <c>RATE_LIMIT_EXCEEDED</c>.</summary>
    public string[] Phrases { get; set; } = [];

    /// <summary>HTTP statuses that mean this category when no phrase of any rule matched.</summary>
    public int[] Statuses { get; set; } = [];
}
