using System.CommandLine;
using LogPipeline.Cli;

// Each subcommand is built by its own class in Cli/; adding a command is adding one line here.
var root = new RootCommand("LogPipeline: Kafka → enrichment (PII masking, GeoIP, error categories, trace linking) → Elasticsearch.");
root.Add(RunCommand.Create());
root.Add(DemoCommand.Create());
root.Add(EnrichCommand.Create());
root.Add(SetupCommand.Create());
root.Add(ReplayCommand.Create());
root.Add(ValidateCommand.Create());
return await CommandLineRunner.InvokeAsync(root, args);
