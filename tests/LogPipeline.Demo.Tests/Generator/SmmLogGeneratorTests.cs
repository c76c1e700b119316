using System.Text.Json;
using Enrichers.Json;
using LogPipeline.Demo.Generator;

namespace LogPipeline.Demo.Tests.Generator;

public sealed class SmmLogGeneratorTests
{
    [Fact]
    public void The_same_seed_gives_the_same_lines()
    {
        var a = new SmmLogGenerator(new SmmLogGeneratorOptions { Seed = 7, PoisonRate = 0.05 }).Generate(500).ToList();
        var b = new SmmLogGenerator(new SmmLogGeneratorOptions { Seed = 7, PoisonRate = 0.05 }).Generate(500).ToList();

        Assert.Equal(a.Select(l => Convert.ToHexString(l.Utf8)), b.Select(l => Convert.ToHexString(l.Utf8)));
    }

    [Fact]
    public void Valid_lines_are_single_line_json_objects_and_poison_lines_get_their_stated_rejection()
    {
        var generator = new SmmLogGenerator(new SmmLogGeneratorOptions { Seed = 3, PoisonRate = 0.1, MaxRecordBytes = 4096, MaxOversized = 5 });
        var rejected = new Dictionary<string, long>();
        foreach (var line in generator.Generate(3000))
        {
            Assert.DoesNotContain((byte)'\n', line.Utf8);
            var record = LogRecordParser.TryParse(line.Utf8, out var rejection, maxBytes: 4096);
            if (line.IsPoison)
            {
                Assert.Null(record);
                Assert.Equal(line.PoisonKind, rejection!.Code);
                rejected[rejection.Code] = rejected.GetValueOrDefault(rejection.Code) + 1;
            }
            else
            {
                Assert.True(record is not null, rejection?.Reason);
                using var doc = JsonDocument.Parse(line.Utf8);
                var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
                Assert.Equal(names.Count, names.Distinct().Count());
                Assert.Contains(line.Service, SmmLogGenerator.ServiceNames);
            }
        }

        Assert.Equal(generator.Counts.PoisonByKind.OrderBy(kv => kv.Key), rejected.OrderBy(kv => kv.Key));
        Assert.Equal(6, rejected.Count);
        Assert.Equal(3000, generator.Counts.Valid + generator.Counts.Poison);
    }

    [Fact]
    public void Records_are_realistic_in_size_and_cover_every_service_and_error_category()
    {
        var generator = new SmmLogGenerator();
        var lines = generator.Generate(5000).ToList();

        var mean = lines.Average(l => l.Utf8.Length);
        Assert.InRange(mean, 300, 600);
        Assert.Equal(5, generator.Counts.Services.Count);
        Assert.Equal(12, generator.Counts.ErrorCategories.Count);
        Assert.InRange(generator.Counts.WithTrace, 3500, 4700);
        Assert.Equal(0, generator.Counts.Poison);
    }
}
