using System.Numerics;

namespace Enrichers.Masking;

/// <summary>A node of the reversed word trie of <see cref="KeyNameRules"/>: a lowercase word, the flags of the
/// rules that end here, and the words that may come before it.</summary>
internal sealed class KeyWordNode(string word)
{
    // Children by word length: a lookup compares one or two candidates.
    private KeyWordNode[][] _byLength = [.. Enumerable.Repeat(Array.Empty<KeyWordNode>(), 16)];

    public string Word { get; } = word;

    public KeyFlags Flags { get; set; }

    public KeyWordNode[] Children { get; private set; } = [];

    /// <summary>The child whose word equals <paramref name="w"/> ignoring ASCII case, or null.</summary>
    public KeyWordNode? Find<T>(ReadOnlySpan<T> w)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (w.Length >= _byLength.Length)
        {
            return null;
        }

        foreach (var child in _byLength[w.Length])
        {
            var word = child.Word;
            var i = 0;
            while (i < word.Length)
            {
                var c = CodeUnit.Value(w[i]);
                if ((uint)(c - 'A') <= 'Z' - 'A')
                {
                    c |= 0x20;
                }

                if (c != word[i])
                {
                    break;
                }

                i++;
            }

            if (i == word.Length)
            {
                return child;
            }
        }

        return null;
    }

    public KeyWordNode GetOrAdd(string word)
    {
        foreach (var child in Children)
        {
            if (child.Word == word)
            {
                return child;
            }
        }

        var node = new KeyWordNode(word);
        Children = [.. Children, node];
        if (word.Length >= _byLength.Length)
        {
            Array.Resize(ref _byLength, word.Length + 1);
            for (var i = 0; i < _byLength.Length; i++)
            {
                _byLength[i] ??= [];
            }
        }

        _byLength[word.Length] = [.. _byLength[word.Length], node];
        return node;
    }
}
