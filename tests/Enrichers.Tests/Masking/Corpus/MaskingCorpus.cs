using System.Reflection;
using System.Text;

namespace Enrichers.Tests.Masking.Corpus;

/// <summary>The deterministic masking corpus: every <see cref="ICorpusFamily"/> of this assembly, each family seeded
/// from its name (FNV-1a, not <see cref="string.GetHashCode()"/>, which is randomised per process) so that a case that
/// fails fails again on the next run.</summary>
internal static class MaskingCorpus
{
    private static readonly Lazy<IReadOnlyList<ICorpusFamily>> LazyFamilies = new(() =>
        typeof(MaskingCorpus).Assembly.GetTypes()
            .Where(t => typeof(ICorpusFamily).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (ICorpusFamily)Activator.CreateInstance(t, nonPublic: true)!)
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList());

    public static IReadOnlyList<ICorpusFamily> Families => LazyFamilies.Value;

    public static ICorpusFamily Family(string name) => Families.Single(f => f.Name == name);

    public static IReadOnlyList<CorpusCase> Cases(ICorpusFamily family) => family.Cases(new Random(Seed(family.Name))).ToList();

    public static IEnumerable<CorpusCase> All() => Families.SelectMany(Cases);

    private static int Seed(string name)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash & 0x7FFFFFFF);
    }
}
