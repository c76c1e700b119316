namespace Enrichers.Tests.Masking.Corpus;

/// <summary>The forms docs/masking.md has promised since before the corpus existed, each in a message and under a
/// key, with the identifiers and times around them that must survive.</summary>
internal sealed class DocumentedFormsFamily : ICorpusFamily
{
    public string Name => "documented-forms";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        for (var i = 0; i < 4; i++)
        {
            var trace = random.Hex(32);
            var time = $"2026-12-07T04:{random.Next(10, 60)}:{random.Next(10, 60)}.{random.Next(100, 1000)}Z";
            var email = $"{random.Letters(6)}.{random.Letters(5)}@{random.Letters(7)}.com";
            var card = random.LuhnCard("4", 16);
            var ssn = $"{random.Next(100, 666)}-{random.Next(10, 99)}-{random.Next(1000, 9999)}";
            var iban = random.Iban("DE", 18);
            var aws = "AKIA" + random.UpperAlphanumeric(16);
            var github = "ghp_" + random.Alphanumeric(36);
            var urlPassword = random.Alphanumeric(12);
            var ip = random.PublicIPv4();
            var keyed = random.Alphanumeric(14);

            yield return Case($"message with every value pattern #{i}",
                $$"""{"@timestamp":"{{time}}","trace_id":"{{trace}}","message":{{CorpusValues.Quote($"user {email} paid with {card}, ssn {ssn}, iban {iban}, from {ip}")}}}""",
                [email, card, ssn, iban, ip], [time, trace]);
            yield return Case($"keys and credentials #{i}",
                $$"""{"@timestamp":"{{time}}","db_password":"{{keyed}}","aws":"{{aws}}","note":{{CorpusValues.Quote($"pushed with {github} to https://deploy:{urlPassword}@git.example.com/repo.git")}}}""",
                [keyed, aws, github, urlPassword], [time, "git.example.com/repo.git"]);
        }
    }

    private CorpusCase Case(string name, string json, IReadOnlyList<string> planted, IReadOnlyList<string> keep) =>
        new(Name, name, json, planted, keep);
}
