using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Enrichers.Json;

namespace Enrichers.Errors;

/// <summary>Gives error records an <c>error_category</c>: the rule listing the record's HTTP status, else the rule
/// listing its exception type, else the first rule (in precedence order) with a phrase in the record's error text,
/// else the default category. A record is an
/// error record when its level is an error level, it has a non-empty error or exception field, or an HTTP
/// status ≥ 400. Shared by all sessions; thread-safe.</summary>
public sealed class ErrorCategoryEnricher : ILogEnricher
{
    private static readonly string[] ErrorLevels = ["error", "err", "fatal", "critical", "crit", "alert", "emerg", "panic"];

    // ErrorLevels by length (index), each as its bytes in one word (see IsErrorLevel): all lowercase letters, no
    // longer than 8.
    private static readonly ulong[][] ErrorLevelWords = Enumerable.Range(0, 9)
        .Select(length => ErrorLevels.Where(l => l.Length == length).Select(Word).ToArray()).ToArray();

    // By name length (its low 6 bits): a bit per first char (its low 6 bits) of the top-level names Collect reads. Most
    // names of a record are none of them, and most of those share no length and first char with one: this rules them
    // out with one read, where the dispatch by length called a name compare for each that shared only the length.
    private static readonly ulong[] CollectedNames = LengthFirstBits(
        FieldNames.Http, FieldNames.Level, FieldNames.Error, FieldNames.Status, FieldNames.Message, FieldNames.Exception,
        FieldNames.ErrorDotType, FieldNames.ErrorType, FieldNames.StatusCode, FieldNames.ErrorMessage, FieldNames.ErrorDotMessage,
        FieldNames.HttpResponse, FieldNames.ErrorCategory, FieldNames.ExceptionDotType, FieldNames.HttpStatusCode,
        FieldNames.ExceptionDotMessage, FieldNames.HttpResponseStatusCode);

    // The field written, as a constant name: found without checking the name is ASCII, written from its bytes.
    private static readonly LogName CategoryName = new(FieldNames.ErrorCategory);

    // The object of response.status_code under http: its first segment.
    private static readonly string ResponseName = FieldNames.ResponseStatusCode[..FieldNames.ResponseStatusCode.IndexOf('.')];

    // Compiling a regex takes milliseconds; chains built with the same rules (tests, restarts) share them.
    private static readonly ConcurrentDictionary<string, Regex> RegexCache = new(StringComparer.Ordinal);

    private readonly EnrichmentStatistics _statistics;
    private readonly string[] _categories;
    private readonly Regex?[] _phraseMatchers;
    private readonly Regex? _anyPhrase;

    // Matched text (lowercase, separators collapsed to one space) → index of the first rule with that phrase.
    // With it one scan per text finds every phrase and its category; it is used unless one rule's phrase
    // starts with another rule's phrase, where the longest-first alternation could hide the earlier rule.
    private readonly Dictionary<string, int> _phraseRules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _phraseRulesBySpan;
    private readonly bool _onePass;
    private readonly PhraseMatcher _words;
    private readonly Dictionary<int, string> _statusCategories = [];
    private readonly Dictionary<string, string> _typeCategories = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _typeCategoriesBySpan;
    private readonly string _defaultCategory;
    private readonly HashSet<string> _knownCategories = new(StringComparer.Ordinal);

    public ErrorCategoryEnricher(ErrorCategoryOptions options, EnrichmentStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(statistics);
        _statistics = statistics;
        _defaultCategory = options.DefaultCategory;
        var rules = options.EffectiveRules;
        _categories = rules.Select(r => r.Name).ToArray();
        _phraseMatchers = rules.Select(r => r.Phrases is { Length: > 0 } p ? GetRegex(Pattern(p)) : null).ToArray();
        var all = rules.SelectMany(r => r.Phrases ?? []).ToArray();
        _anyPhrase = all.Length > 0 ? GetRegex(Pattern(all)) : null;
        _phraseRulesBySpan = _phraseRules.GetAlternateLookup<ReadOnlySpan<char>>();
        var phrases = rules.SelectMany((r, c) => (r.Phrases ?? []).Select(p => (Rule: c, Key: Normalize(p)))).ToList();
        foreach (var (rule, key) in phrases)
        {
            _phraseRules.TryAdd(key, rule);
        }

        _words = new PhraseMatcher(rules);
        _onePass = !phrases.Any(a => phrases.Any(b => a.Rule != b.Rule && a.Key != b.Key && b.Key.StartsWith(a.Key + " ", StringComparison.Ordinal)));
        foreach (var rule in rules)
        {
            foreach (var status in rule.Statuses ?? [])
            {
                _statusCategories.TryAdd(status, rule.Name);
            }

            foreach (var type in rule.ExceptionTypes ?? [])
            {
                _typeCategories.TryAdd(type, rule.Name);
            }

            _knownCategories.Add(rule.Name);
        }

        _knownCategories.Add(_defaultCategory);
        _typeCategoriesBySpan = _typeCategories.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Name => "error_category";

    public void Enrich(LogRecord record)
    {
        var facts = default(Facts);
        Collect(record.Root, ref facts);
        if (facts.ProducerCategory is { } producer)
        {
            _statistics.ErrorCategories.Increment(_knownCategories.Contains(producer) ? producer : "other");
            return;
        }

        if (!facts.IsError)
        {
            return;
        }

        var category = Categorize(ref facts);
        record.Root.Set(CategoryName, record.NewReferenceString(category));
        _statistics.ErrorCategories.Increment(category);
    }

    /// <summary>The category for the given texts and status (exposed for the benchmark and tests).</summary>
    internal string Categorize(IEnumerable<string> texts, int? status)
    {
        var facts = default(Facts);
        foreach (var text in texts)
        {
            facts.AddText(new LogString(text));
        }

        facts.Status = status;
        return Categorize(ref facts);
    }

    private string Categorize(ref Facts facts)
    {
        if (facts.Status is { } status && _statusCategories.TryGetValue(status, out var byStatus))
        {
            return byStatus;
        }

        if (facts.Type is { } type && ByType(type) is { } byType)
        {
            return byType;
        }

        if (_words.IsSupported)
        {
            var best = _categories.Length;
            for (var i = 0; i < facts.TextCount && best > 0; i++)
            {
                best = _words.FirstRule(facts.TextSpan(i), best);
            }

            return best < _categories.Length ? _categories[best] : ByStatus(ref facts);
        }

        if (_onePass && _anyPhrase is not null && facts.TextCount > 0)
        {
            var best = FirstRuleInOnePass(ref facts);
            if (best >= 0)
            {
                return best < _categories.Length ? _categories[best] : CategorizeRuleByRule(ref facts);
            }

            return ByStatus(ref facts);
        }

        return CategorizeRuleByRule(ref facts);
    }

    /// <summary>The first rule with a phrase in any text (-1 when none; past the last rule when a match could
    /// not be mapped back to its phrase, so the caller searches rule by rule).</summary>
    private int FirstRuleInOnePass(ref Facts facts)
    {
        var best = int.MaxValue;
        Span<char> key = stackalloc char[128];
        for (var i = 0; i < facts.TextCount && best > 0; i++)
        {
            var text = facts.Text(i);
            var start = 0;
            while (start < text.Length && best > 0)
            {
                var found = false;
                foreach (var m in _anyPhrase!.EnumerateMatches(text, start))
                {
                    found = true;
                    if (m.Index == 0 || !IsWordChar(text, m.Index - 1))
                    {
                        var rule = RuleOf(text.AsSpan(m.Index, m.Length), key);
                        if (rule < 0)
                        {
                            return _categories.Length;
                        }

                        best = Math.Min(best, rule);
                    }

                    // Phrases of different rules can overlap ("timed out" / "out of memory"): go on from the
                    // next character, not from the end of this match.
                    start = m.Index + 1;
                    break;
                }

                if (!found)
                {
                    break;
                }
            }
        }

        return best == int.MaxValue ? -1 : best;
    }

    private int RuleOf(ReadOnlySpan<char> match, Span<char> buffer)
    {
        if (match.Length > buffer.Length)
        {
            return _phraseRules.TryGetValue(Normalize(match.ToString()), out var r) ? r : -1;
        }

        var n = Normalize(match, buffer);
        return _phraseRulesBySpan.TryGetValue(buffer[..n], out var rule) ? rule : -1;
    }

    private static string Normalize(string phrase)
    {
        var buffer = new char[phrase.Length];
        return new string(buffer, 0, Normalize(phrase, buffer));
    }

    // Lowercase, with each run of spaces, '_' and '-' as one space: what the pattern treats alike.
    private static int Normalize(ReadOnlySpan<char> text, Span<char> buffer)
    {
        var n = 0;
        var separator = false;
        foreach (var c in text.Trim())
        {
            if (char.IsWhiteSpace(c) || c is '_' or '-')
            {
                separator = true;
                continue;
            }

            if (separator && n > 0)
            {
                buffer[n++] = ' ';
            }

            separator = false;
            buffer[n++] = char.ToLowerInvariant(c);
        }

        return n;
    }

    private string CategorizeRuleByRule(ref Facts facts)
    {
        if (_anyPhrase is not null && facts.TextCount > 0)
        {
            // One pass over each text with every phrase rules out most texts; only texts with some phrase are
            // searched category by category to honour the precedence.
            Span<int> candidates = stackalloc int[Facts.MaxTexts];
            var count = 0;
            for (var i = 0; i < facts.TextCount; i++)
            {
                if (HasWholeWordMatch(_anyPhrase, facts.Text(i)))
                {
                    candidates[count++] = i;
                }
            }

            for (var c = 0; c < _phraseMatchers.Length && count > 0; c++)
            {
                var matcher = _phraseMatchers[c];
                if (matcher is null)
                {
                    continue;
                }

                for (var k = 0; k < count; k++)
                {
                    if (HasWholeWordMatch(matcher, facts.Text(candidates[k])))
                    {
                        return _categories[c];
                    }
                }
            }
        }

        return ByStatus(ref facts);
    }

    /// <summary>The category of an exception type by its simple name: the part after the last <c>.</c>, <c>+</c>
    /// (nested .NET types) or <c>$</c> (nested Java types), without a generic suffix.</summary>
    private string? ByType(LogString type)
    {
        if (_typeCategories.Count == 0)
        {
            return null;
        }

        var name = type.Value.AsSpan().Trim();
        var tick = name.IndexOfAny('`', '<', '[');
        if (tick > 0)
        {
            name = name[..tick];
        }

        var last = name.LastIndexOfAny(".+$:");
        name = last >= 0 ? name[(last + 1)..] : name;
        return _typeCategoriesBySpan.TryGetValue(name.TrimStart('*'), out var category) ? category : null;
    }

    private string ByStatus(ref Facts facts) =>
        facts.Status is { } status && _statusCategories.TryGetValue(status, out var byStatus) ? byStatus : _defaultCategory;

    private static void Collect(LogObject root, ref Facts facts)
    {
        // A span, not the IReadOnlyList: no enumerator to box and no interface call per property.
        var properties = root.PropertySpan;
        var collected = CollectedNames;
        for (var i = 0; i < properties.Length; i++)
        {
            var p = properties[i];
            var length = p.NameLength;
            var first = p.FirstChar;
            if (first >= 0 && (collected[length & 63] & (1UL << (first & 63))) == 0)
            {
                continue;
            }

            var value = p.Value;
            switch (length)
            {
                case 4 when p.NameEquals(FieldNames.Http):
                    if (value is LogObject http)
                    {
                        CollectHttp(http, ref facts);
                    }

                    break;
                case 5 when p.NameEquals(FieldNames.Level):
                    facts.IsError |= IsErrorLevel(value);
                    break;
                case 5 when p.NameEquals(FieldNames.Error):
                    CollectErrorObject(value, ref facts);
                    break;
                case 6 when p.NameEquals(FieldNames.Status):
                    facts.AddStatus(value);
                    break;
                case 7 when p.NameEquals(FieldNames.Message):
                    facts.AddText(value);
                    break;
                case 9 when p.NameEquals(FieldNames.Exception):
                    CollectErrorObject(value, ref facts);
                    break;
                case 10 when p.NameEquals(FieldNames.ErrorDotType):
                case 10 when p.NameEquals(FieldNames.ErrorType):
                    facts.AddText(value);
                    facts.AddType(value);
                    break;
                case 11 when p.NameEquals(FieldNames.StatusCode):
                    facts.AddStatus(value);
                    break;
                case 13 when p.NameEquals(FieldNames.ErrorMessage) || p.NameEquals(FieldNames.ErrorDotMessage):
                    facts.IsError |= !value.IsEmpty;
                    facts.AddText(value);
                    break;
                case 13 when p.NameEquals(FieldNames.HttpResponse):
                    if (value is LogObject response)
                    {
                        facts.AddStatus(response.Get(FieldNames.StatusCode));
                    }

                    break;
                case 14 when p.NameEquals(FieldNames.ErrorCategory):
                    if (value is LogString { IsEmpty: false } category)
                    {
                        facts.ProducerCategory = category.Value;
                    }

                    break;
                case 14 when p.NameEquals(FieldNames.ExceptionDotType):
                    facts.AddText(value);
                    facts.AddType(value);
                    break;
                case 16 when p.NameEquals(FieldNames.HttpStatusCode):
                    facts.AddStatus(value);
                    break;
                case 17 when p.NameEquals(FieldNames.ExceptionDotMessage):
                    facts.IsError |= !value.IsEmpty;
                    facts.AddText(value);
                    break;
                case 25 when p.NameEquals(FieldNames.HttpResponseStatusCode):
                    facts.AddStatus(value);
                    break;
            }
        }
    }

    /// <summary>The statuses of an <c>http</c> object: its <c>status_code</c>, then <c>response.status_code</c> (a dotted
    /// key, else the first <c>response</c> object's <c>status_code</c>, as <see cref="LogPath.Find"/> reads it), found
    /// in one pass over its members instead of one lookup each.</summary>
    private static void CollectHttp(LogObject http, ref Facts facts)
    {
        LogNode? statusCode = null;
        LogNode? responseStatusCode = null;
        LogNode? response = null;
        foreach (var p in http.PropertySpan)
        {
            switch (p.NameLength)
            {
                case 8 when p.NameEquals(ResponseName):
                    response ??= p.Value;
                    break;
                case 11 when p.NameEquals(FieldNames.StatusCode):
                    statusCode ??= p.Value;
                    break;
                case 20 when p.NameEquals(FieldNames.ResponseStatusCode):
                    responseStatusCode ??= p.Value;
                    break;
            }
        }

        facts.AddStatus(statusCode);
        facts.AddStatus(responseStatusCode ?? (response as LogObject)?.Get(FieldNames.StatusCode));
    }

    private static void CollectErrorObject(LogNode value, ref Facts facts)
    {
        switch (value)
        {
            case LogString s when !s.IsEmpty:
                facts.IsError = true;
                facts.AddText(s);
                break;
            case LogObject { Count: > 0 } o:
                facts.IsError = true;
                facts.AddText(o.Get(FieldNames.NestedMessage));
                var type = o.Get(FieldNames.NestedType);
                facts.AddText(type);
                facts.AddType(type);
                break;
        }
    }

    private static bool IsErrorLevel(LogNode value)
    {
        if (value is not LogString s)
        {
            return false;
        }

        if (s.IsRaw && !s.RawHasEscapes)
        {
            var raw = s.RawUtf8;
            if (raw.Length is 0 or > 8)
            {
                return false;
            }

            // The bytes as one word with the case bit set in each: a byte ORed with 0x20 equals a lowercase letter only
            // when it is that letter in either case, so one compare per level of this length is the ignore-case test.
            var folded = 0UL;
            for (var i = 0; i < raw.Length; i++)
            {
                folded |= (ulong)(raw[i] | 0x20) << (i * 8);
            }

            foreach (var level in ErrorLevelWords[raw.Length])
            {
                if (folded == level)
                {
                    return true;
                }
            }

            return false;
        }

        // A loop, not Array.Exists with a lambda: the lambda's captured variable made the compiler allocate its
        // closure on entry to this method, for every record, also on the raw path above (its share of the
        // worker's allocations: docs/enrichment.md).
        var text = s.Value;
        foreach (var level in ErrorLevels)
        {
            if (string.Equals(level, text, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static ulong[] LengthFirstBits(params string[] names)
    {
        var bits = new ulong[64];
        foreach (var name in names)
        {
            bits[name.Length & 63] |= 1UL << (name[0] & 63);
        }

        return bits;
    }

    private static ulong Word(string level)
    {
        if (level.Length > 8 || !level.All(char.IsAsciiLetterLower))
        {
            throw new InvalidOperationException($"Error level '{level}' is not 1 to 8 lowercase letters.");
        }

        return level.Select((c, i) => (ulong)c << (i * 8)).Aggregate(0UL, (word, b) => word | b);
    }

    // The same test as \p{L}\p{N} in the pattern.
    private static bool IsWordChar(string text, int i) =>
        char.GetUnicodeCategory(text[i]) is >= System.Globalization.UnicodeCategory.UppercaseLetter and <= System.Globalization.UnicodeCategory.OtherLetter
            or >= System.Globalization.UnicodeCategory.DecimalDigitNumber and <= System.Globalization.UnicodeCategory.OtherNumber;

    private static string Pattern(IEnumerable<string> phrases)
    {
        // Longest first, so that a phrase that extends another (OOMKilled, OOM) is tried first. The leading
        // word boundary is checked in code (HasWholeWordMatch): a lookbehind at the start keeps the regex
        // engine from its vectorized search for the literal alternatives. The trailing one stays in the
        // pattern, so a longer phrase that runs into a word falls back to a shorter one at the same place.
        var alternatives = phrases
            .Select(p => string.Join(@"[\s_-]+", p.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(Regex.Escape)))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(p => p.Length);
        return "(?:" + string.Join('|', alternatives) + @")(?![\p{L}\p{N}])";
    }

    /// <summary>A match of <paramref name="regex"/> that does not start inside a word (the pattern itself
    /// refuses matches that end inside one). After a match that starts inside a word the search goes on one
    /// character later, so a whole-word match that overlaps it is still found.</summary>
    private static bool HasWholeWordMatch(Regex regex, string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var found = false;
            foreach (var m in regex.EnumerateMatches(text, start))
            {
                if (m.Index == 0 || !IsWordChar(text, m.Index - 1))
                {
                    return true;
                }

                start = m.Index + 1;
                found = true;
                break;
            }

            if (!found)
            {
                return false;
            }
        }

        return false;
    }

    private static Regex GetRegex(string pattern) =>
        RegexCache.GetOrAdd(pattern, static p => new Regex(p, RegexOptions.Compiled | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant));

    /// <summary>What one pass over the record found.</summary>
    private struct Facts
    {
        public const int MaxTexts = 8;

        private const int MaxDecodedText = 4096;

        [ThreadStatic]
        private static char[]? t_decoded;

        private TextBuffer _texts;

        public bool IsError;
        public int? Status;
        public string? ProducerCategory;
        public LogString? Type;
        public int TextCount;

        public readonly string Text(int i) => _texts[i]!.Value;

        /// <summary>The text as chars: an unescaped input string is decoded into a per-thread buffer, not
        /// into a string (error messages were most of this enricher's allocation). Valid until the next call
        /// on this thread.</summary>
        public readonly ReadOnlySpan<char> TextSpan(int i)
        {
            var s = _texts[i]!;
            if (!s.IsRaw || s.RawHasEscapes || s.RawUtf8.Length > MaxDecodedText)
            {
                return s.Value;
            }

            var buffer = t_decoded ??= new char[MaxDecodedText];
            return buffer.AsSpan(0, Encoding.UTF8.GetChars(s.RawUtf8, buffer));
        }

        public void AddText(LogNode? node)
        {
            if (node is LogString { IsEmpty: false } s && TextCount < MaxTexts)
            {
                _texts[TextCount++] = s;
            }
        }

        /// <summary>An exception type also makes an error record, as an error message does.</summary>
        public void AddType(LogNode? node)
        {
            if (node is LogString { IsEmpty: false } s)
            {
                IsError = true;
                Type ??= s;
            }
        }

        public void AddStatus(LogNode? node)
        {
            if (ReadStatus(node) is { } status && status >= 400)
            {
                IsError = true;
                Status ??= status;
            }
        }

        private static int? ReadStatus(LogNode? node) => node switch
        {
            LogLiteral { Kind: LogNodeKind.Number } n when n.TryGetInt64(out var v) && v is >= 100 and <= 999 => (int)v,
            LogString s when s.IsRaw && !s.RawHasEscapes && System.Buffers.Text.Utf8Parser.TryParse(s.RawUtf8, out int v, out var used)
                && used == s.RawUtf8.Length && v is >= 100 and <= 999 => v,
            _ => null,
        };

        [System.Runtime.CompilerServices.InlineArray(MaxTexts)]
        private struct TextBuffer
        {
            private LogString? _element;
        }
    }
}
