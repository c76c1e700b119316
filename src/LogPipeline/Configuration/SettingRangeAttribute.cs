using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace LogPipeline.Configuration;

/// <summary>A number or duration range for the source-generated options validators (<c>[OptionsValidator]</c>),
/// reported in the house style: <c>Elasticsearch:Bulk:MaxDocuments=0 is not valid: allowed is 1 to 100000.</c>
/// The key is the validator's display name (<c>Elasticsearch.Bulk.MaxDocuments</c> when the validator is called
/// with the section as its name) with <c>:</c> for <c>.</c>. Null values (unset optional settings) pass.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false)]
internal sealed class SettingRangeAttribute : ValidationAttribute
{
    private readonly IComparable _min;
    private readonly IComparable _max;

    public SettingRangeAttribute(int min, int max)
    {
        _min = min;
        _max = max;
    }

    /// <summary>A duration range, as <c>[d.]hh:mm:ss[.fff]</c> strings (attribute arguments cannot be TimeSpans).</summary>
    public SettingRangeAttribute(string min, string max)
    {
        _min = TimeSpan.Parse(min, CultureInfo.InvariantCulture);
        _max = TimeSpan.Parse(max, CultureInfo.InvariantCulture);
    }

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        if (value is not IComparable comparable || (comparable.CompareTo(_min) >= 0 && comparable.CompareTo(_max) <= 0))
        {
            return ValidationResult.Success;
        }

        var key = (validationContext.DisplayName ?? validationContext.MemberName ?? "").Replace('.', ':');
        var shown = Convert.ToString(value, CultureInfo.InvariantCulture);
        return new ValidationResult($"{key}={shown} is not valid: allowed is {Convert.ToString(_min, CultureInfo.InvariantCulture)} to {Convert.ToString(_max, CultureInfo.InvariantCulture)}.");
    }
}
