namespace Enrichers.Tests.Masking.Corpus;

/// <summary>A family of masking corpus cases. Every implementation in this assembly is picked up by
/// <see cref="MaskingCorpus"/>; a family builds its cases from the random source it is given so the corpus is the
/// same on every run (the seed is derived from the family's name).</summary>
internal interface ICorpusFamily
{
    /// <summary>The family's name as <see cref="CorpusCase.Family"/> spells it.</summary>
    string Name { get; }

    IEnumerable<CorpusCase> Cases(Random random);
}
