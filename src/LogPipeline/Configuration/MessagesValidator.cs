using Microsoft.Extensions.Options;

namespace LogPipeline.Configuration;

/// <summary>Plugs a section's check (one message per problem, each naming the key, the value and what is allowed)
/// into the options system, so <c>ValidateOnStart</c> and the check before start report the same lines.</summary>
internal sealed class MessagesValidator<T>(Func<T, IEnumerable<string>> check) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var messages = check(options).ToList();
        return messages.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(messages);
    }
}
