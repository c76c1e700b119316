using System.Buffers;
using System.Text;
using Enrichers.Json;

namespace Enrichers.Tests.Json;

public sealed class EnricherPipelineTests
{
    private sealed class Throwing : ILogEnricher
    {
        public string Name => "throwing";

        public void Enrich(LogRecord record)
        {
            record.Root.Set("half_done", 1);
            throw new InvalidOperationException("rule 7 is broken");
        }
    }

    private sealed class Marking : ILogEnricher
    {
        public string Name => "marking";

        public void Enrich(LogRecord record) => record.Root.Set("marked", "yes");
    }

    [Fact]
    public void An_enricher_that_throws_loses_neither_the_record_nor_the_later_enrichers()
    {
        var statistics = new EnrichmentStatistics();
        var failures = new List<EnricherFailure>();
        statistics.EnricherFailed += failures.Add;
        var enrichers = new EnricherSequence([new Throwing(), new Marking()], statistics);
        using var session = new EnrichmentSession(enrichers, new EnrichmentOptions(), statistics, TimeProvider.System);
        var output = new ArrayBufferWriter<byte>();

        var result = session.Enrich("{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"a\":\"b\"}"u8, output);

        Assert.True(result.Accepted);
        Assert.Equal("{\"@timestamp\":\"2026-11-26T12:00:00Z\",\"a\":\"b\",\"half_done\":1,\"marked\":\"yes\"}", Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(1, statistics.EnricherFailures["throwing"]);
        Assert.Equal(1, statistics.RecordsEnriched);
        var failure = Assert.Single(failures);
        Assert.Equal(("throwing", "InvalidOperationException"), (failure.Enricher, failure.ExceptionType));
    }

    [Fact]
    public void A_rejected_record_writes_nothing_and_is_counted_by_reason()
    {
        using var chain = EnrichmentChain.Create(new EnrichmentOptions());
        using var session = chain.CreateSession();
        var output = new ArrayBufferWriter<byte>();

        var result = session.Enrich("[1]"u8, output);

        Assert.False(result.Accepted);
        Assert.Equal(RecordRejection.NotAnObjectCode, result.ReasonCode);
        Assert.Equal(0, output.WrittenCount);
        Assert.Equal(1, chain.Statistics.Rejections[RecordRejection.NotAnObjectCode]);
    }
}
