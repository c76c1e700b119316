using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace LogPipeline.Configuration;

/// <summary>Checks configuration keys and value types against the options classes they bind to, before anything
/// binds them: an unknown key (a typo such as <c>BootstrapServer</c>) or a value that does not convert is an
/// error naming the key, the value and what is allowed. The binder itself would silently ignore the typo and
/// throw a stack trace for the bad value.</summary>
internal static class ConfigurationShapeChecker
{
    private static readonly string[] SecretWords = ["password", "secret", "key", "token", "credential", "sasl"];

    /// <summary>Checks <paramref name="section"/> (a section bound to <paramref name="type"/>) and adds what is
    /// wrong to <paramref name="problems"/>.</summary>
    public static void Check(IConfigurationSection section, Type type, List<ConfigurationProblem> problems)
    {
        CheckValue(section, type, problems);
    }

    /// <summary>Whether a key holds a secret, so its value must never be echoed in a message or a log line.</summary>
    public static bool IsSecretKey(string path)
    {
        var leaf = path[(path.LastIndexOf(':') + 1)..];
        return SecretWords.Any(w => leaf.Contains(w, StringComparison.OrdinalIgnoreCase))
            && !leaf.EndsWith("File", StringComparison.OrdinalIgnoreCase)
            && !leaf.EndsWith("Path", StringComparison.OrdinalIgnoreCase)
            && !leaf.EndsWith("Location", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The value as it may appear in a message: quoted, or <c>(hidden)</c> for a secret.</summary>
    public static string Show(string path, string? value) =>
        IsSecretKey(path) ? "(hidden)" : $"'{value}'";

    private static void CheckValue(IConfigurationSection section, Type type, List<ConfigurationProblem> problems)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var children = section.GetChildren().ToList();

        if (typeof(Confluent.Kafka.Config).IsAssignableFrom(type))
        {
            CheckClientConfig(section, type, children, problems);
            return;
        }

        if (IsScalar(type))
        {
            if (children.Count > 0)
            {
                problems.Add(new(section.Path,
                    $"{section.Path} takes a single value ({Describe(type)}), not the keys {string.Join(", ", children.Select(c => c.Key))}."));
            }
            else if (section.Value is { } value && !TryConvert(value, type))
            {
                problems.Add(new(section.Path,
                    $"{section.Path} = {Show(section.Path, value)} is not allowed: expected {Describe(type)}."));
            }

            return;
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            foreach (var child in children)
            {
                CheckValue(child, valueType, problems);
            }

            return;
        }

        if (CollectionElementType(type) is { } elementType)
        {
            foreach (var child in children)
            {
                if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    problems.Add(new(child.Path,
                        $"{child.Path}: {section.Path} is a list; its keys are indexes 0, 1, 2, ..., not '{child.Key}'."));
                    continue;
                }

                CheckValue(child, elementType, problems);
            }

            if (children.Count == 0 && !string.IsNullOrEmpty(section.Value))
            {
                problems.Add(new(section.Path,
                    $"{section.Path} = {Show(section.Path, section.Value)} is not allowed: expected a list " +
                    $"({section.Path}:0, {section.Path}:1, ... or a JSON array)."));
            }

            return;
        }

        if (children.Count == 0 && !string.IsNullOrEmpty(section.Value))
        {
            problems.Add(new(section.Path,
                $"{section.Path} = {Show(section.Path, section.Value)} is not allowed: {section.Path} is a section " +
                $"with the keys {string.Join(", ", SettableProperties(type).Select(p => p.Name))}."));
            return;
        }

        var properties = SettableProperties(type);
        foreach (var child in children)
        {
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                problems.Add(new(child.Path, UnknownKeyMessage(child.Path, child.Key, section.Path, properties.Select(p => p.Name))));
                continue;
            }

            CheckValue(child, property.PropertyType, problems);
        }
    }

    /// <summary>A Confluent client config takes its property names (values converted by the Kafka binder, which
    /// also accepts librdkafka spellings such as <c>SASL_SSL</c>) and any librdkafka property name, which always
    /// contains a dot. A name that is neither is a typo.</summary>
    private static void CheckClientConfig(IConfigurationSection section, Type type, List<IConfigurationSection> children, List<ConfigurationProblem> problems)
    {
        var properties = SettableProperties(type).Where(p => p.SetMethod is { IsPublic: true }).Select(p => p.Name)
            .Append(Kafka.KafkaClientConfiguration.SaslPasswordFileKey).ToList();
        foreach (var child in children)
        {
            if (!child.Key.Contains('.') && !properties.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add(new(child.Path, UnknownKeyMessage(child.Path, child.Key, section.Path, properties)
                    .Replace("; known keys:", "; use a ConsumerConfig/ProducerConfig property or a librdkafka name (e.g. fetch.max.bytes); known keys:", StringComparison.Ordinal)));
            }
        }
    }

    /// <summary>The message for an unknown key: the closest known key when it looks like a typo, else the list.</summary>
    public static string UnknownKeyMessage(string path, string key, string parentPath, IEnumerable<string> known)
    {
        var knownList = known.Order(StringComparer.Ordinal).ToList();
        var closest = knownList
            .Select(k => (Key: k, Distance: Distance(k.ToLowerInvariant(), key.ToLowerInvariant())))
            .Where(x => x.Distance <= Math.Max(2, x.Key.Length / 4))
            .OrderBy(x => x.Distance)
            .Select(x => x.Key)
            .FirstOrDefault();
        var where = parentPath.Length == 0 ? "at the top level" : $"under {parentPath}";
        return closest is not null
            ? $"{path} is not a known key {where}; did you mean {(parentPath.Length == 0 ? "" : parentPath + ":")}{closest}?"
            : $"{path} is not a known key {where}; known keys: {string.Join(", ", knownList)}.";
    }

    private static List<PropertyInfo> SettableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0
                && (p.SetMethod is { IsPublic: true } || IsBindableGetOnly(p)))
            .ToList();

    // The binder fills get-only collections and sub-sections in place.
    private static bool IsBindableGetOnly(PropertyInfo p) =>
        p.GetMethod is { IsPublic: true } && !IsScalar(Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType);

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)
        || type == typeof(TimeSpan) || type == typeof(DateTime) || type == typeof(DateTimeOffset)
        || type == typeof(Uri) || type == typeof(Guid) || type == typeof(Version);

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericArguments().Length == 2
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType
                && (i.GetGenericTypeDefinition() == typeof(IDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)));
        return dictionary is not null
            && typeof(IEnumerable).IsAssignableFrom(type)
            && dictionary.GetGenericArguments()[0] == typeof(string)
            ? dictionary.GetGenericArguments()[1]
            : null;
    }

    private static Type? CollectionElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type.IsGenericType && type.GetGenericArguments().Length == 1 && typeof(IEnumerable).IsAssignableFrom(type)
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static bool TryConvert(string value, Type type)
    {
        if (type == typeof(string))
        {
            return true;
        }

        if (type.IsEnum)
        {
            return Enum.TryParse(type, value, ignoreCase: true, out var parsed)
                && !int.TryParse(value, out _)
                && Enum.IsDefined(type, parsed!);
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _);
        }

        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException or OverflowException
            || e.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type)
    {
        if (type.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(type));
        }

        return type switch
        {
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) => "a whole number",
            _ when type == typeof(long) => "a whole number",
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
            _ when type == typeof(TimeSpan) => "a duration [d.]hh:mm:ss[.fff], e.g. 00:00:25",
            _ when type == typeof(Uri) => "a URL",
            _ => type.Name,
        };
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
