namespace Enrichers.Tests.Masking.Corpus;

/// <summary>Connection strings: ADO.NET (spaces around <c>=</c>, quoted and ODBC-braced values, <c>,</c> and <c>&gt;</c>
/// inside a password), JDBC, libpq keyword/value, Mongo and Redis URIs, Azure storage and Service Bus keys; in a
/// message, under a configuration key and inside JSON in a string.</summary>
internal sealed class ConnectionStringFamily : ICorpusFamily
{
    public string Name => "connection-string";

    public IEnumerable<CorpusCase> Cases(Random random)
    {
        for (var i = 0; i < 5; i++)
        {
            var p = random.Password(">,)]}#!%*~^@");
            var server = $"sql-{random.Letters(5)}";
            var spaced = random.Alphanumeric(6) + " " + random.Alphanumeric(7);
            var semicolon = random.Alphanumeric(6) + ";" + random.Alphanumeric(7);
            var accountKey = random.Base64(64);
            var sasKey = random.Base64(32);
            var urlSafe = random.Alphanumeric(14);

            yield return Case($"ado.net #{i}", CorpusRecords.Message($"Opening Server=tcp:{server}.database.windows.net,1433;Initial Catalog=shop;User ID=app;Password={p};Encrypt=True;Connection Timeout=30;"),
                [p], ["Initial Catalog=shop", "Encrypt=True", $"{server}.database.windows.net,1433"]);
            yield return Case($"ado.net spaced #{i}", CorpusRecords.Message($"cs: Data Source=db01;User Id=sa; Password = {p} ;Pooling=true"), [p], ["Pooling=true", "User Id=sa"]);
            yield return Case($"ado.net quoted #{i}", CorpusRecords.Message($"Server=db01;Database=shop;Password=\"{semicolon}\";MultipleActiveResultSets=true"), [semicolon, semicolon.Split(';')[1]], ["MultipleActiveResultSets=true"]);
            yield return Case($"ado.net single quoted with space #{i}", CorpusRecords.Message($"Server=db01;Pwd='{spaced}';Trusted_Connection=False"), [spaced, spaced.Split(' ')[1]], ["Trusted_Connection=False"]);
            yield return Case($"odbc braces #{i}", CorpusRecords.Message($"Driver={{ODBC Driver 18 for SQL Server}};Server=db01;UID=app;PWD={{{semicolon}}};Encrypt=yes"), [semicolon.Split(';')[1]], ["Encrypt=yes", "Driver={ODBC Driver 18 for SQL Server}"]);
            yield return Case($"jdbc query #{i}", CorpusRecords.Message($"jdbc:postgresql://db.internal:5432/shop?user=app&password={p}&ssl=true"), [p], ["ssl=true", "db.internal:5432/shop"]);
            yield return Case($"jdbc sqlserver #{i}", CorpusRecords.Message($"jdbc:sqlserver://db01:1433;databaseName=shop;user=app;password={p};encrypt=true"), [p], ["encrypt=true", "databaseName=shop"]);
            yield return Case($"libpq #{i}", CorpusRecords.Message($"connect: host=db.internal port=5432 dbname=shop user=app password={p} sslmode=require"), [p], ["sslmode=require", "dbname=shop"]);
            yield return Case($"libpq quoted #{i}", CorpusRecords.Message($"dsn \"host=db.internal password='{spaced}' connect_timeout=10\""), [spaced.Split(' ')[1]], ["connect_timeout=10"]);
            yield return Case($"mongo uri #{i}", CorpusRecords.Message($"mongodb+srv://app:{urlSafe}@cluster0.abcde.mongodb.net/shop?retryWrites=true&w=majority"), [urlSafe], ["cluster0.abcde.mongodb.net/shop?retryWrites=true"]);
            yield return Case($"redis uri #{i}", CorpusRecords.Message($"redis://:{urlSafe}@cache.internal:6379/0 connected"), [urlSafe], ["cache.internal:6379/0 connected"]);
            yield return Case($"azure storage #{i}", CorpusRecords.Message($"DefaultEndpointsProtocol=https;AccountName=acct{i};AccountKey={accountKey};EndpointSuffix=core.windows.net"),
                [accountKey, accountKey[..20], accountKey[^20..]], ["EndpointSuffix=core.windows.net", $"AccountName=acct{i}"]);
            yield return Case($"service bus #{i}", CorpusRecords.Message($"Endpoint=sb://ns{i}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={sasKey}"),
                [sasKey, sasKey[^16..]], ["SharedAccessKeyName=RootManageSharedAccessKey"]);
            yield return Case($"under a key #{i}", CorpusRecords.Fields($$"""
                "config":{"ConnectionStrings__Default":"Server=db01;Database=shop;User Id=app;Password={{p}};","Logging__LogLevel":"Information"}
                """), [p], ["Information", "Database=shop"]);
            yield return Case($"in json text #{i}", CorpusRecords.JsonInString($"{{\"dsn\":\"Host=db01;Username=app;Password={p};Database=shop\",\"pool\":20}}"), [p], ["\"pool\":20", "Database=shop"]);
        }
    }

    private CorpusCase Case(string name, string json, IReadOnlyList<string> planted, IReadOnlyList<string> keep) =>
        new(Name, name, json, planted, keep);
}
