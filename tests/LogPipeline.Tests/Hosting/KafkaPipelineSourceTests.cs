using Confluent.Kafka;
using LogPipeline.Hosting;
using LogPipeline.Kafka;

namespace LogPipeline.Tests.Hosting;

public class KafkaPipelineSourceTests
{
    private static Metadata ClusterWith(params string[] topics) => new(
        [new BrokerMetadata(1, "127.0.0.1", 9092)],
        topics.Select(t => new TopicMetadata(t, [], new Error(ErrorCode.NoError))).ToList(),
        1,
        "broker-1");

    [Fact]
    public void A_dead_letter_topic_the_cluster_lacks_is_named_at_start()
    {
        var options = new KafkaSourceOptions { Topics = ["smm-logs-raw", "audit-raw"] };

        var missing = KafkaPipelineSource.MissingDeadLetterTopics(options, ClusterWith("smm-logs-raw", "audit-raw", "audit-raw.dlq"));

        Assert.Equal(["smm-logs-raw.dlq"], missing);
    }

    [Fact]
    public void A_topic_the_cluster_reports_with_an_error_counts_as_missing()
    {
        var options = new KafkaSourceOptions { Topics = ["smm-logs-raw"], DeadLetterTopic = "all.dlq" };
        var metadata = new Metadata(
            [new BrokerMetadata(1, "127.0.0.1", 9092)],
            [new TopicMetadata("all.dlq", [], new Error(ErrorCode.UnknownTopicOrPart))],
            1,
            "broker-1");

        Assert.Equal(["all.dlq"], KafkaPipelineSource.MissingDeadLetterTopics(options, metadata));
    }

    [Fact]
    public void Under_a_topic_pattern_nothing_is_reported_because_the_topics_are_not_known_yet()
    {
        var options = new KafkaSourceOptions { Topics = [], TopicPattern = "^smm-.*-raw$" };

        Assert.Empty(KafkaPipelineSource.MissingDeadLetterTopics(options, ClusterWith()));
    }
}
