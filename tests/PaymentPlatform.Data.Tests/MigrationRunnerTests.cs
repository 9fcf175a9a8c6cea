using Npgsql;

namespace PaymentPlatform.Data.Tests;

public class MigrationRunnerTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly Migration CreateWidgets = new(1, "create_widgets", "CREATE TABLE widgets (id text PRIMARY KEY);");
    private static readonly Migration AddColor = new(2, "add_widget_color", "ALTER TABLE widgets ADD COLUMN color text;");
    private static readonly Migration AddSize = new(3, "add_widget_size", "ALTER TABLE widgets ADD COLUMN size integer;");

    [Fact]
    public async Task MigrationsApplyInVersionOrderAndRecordTheirChecksums()
    {
        var dataSource = postgres.DataSource(await postgres.CreateSchemaAsync());
        // Given out of order: 0002 and 0003 alter the table 0001 creates.
        var set = new MigrationSet([AddSize, CreateWidgets, AddColor]);

        var applied = await MigrationRunner.ApplyAsync(dataSource, set);

        Assert.Equal([1, 2, 3], applied);
        var recorded = await QueryAsync(dataSource, "SELECT version, name, checksum FROM schema_migrations ORDER BY applied_at, version",
            r => (r.GetInt32(0), r.GetString(1), r.GetString(2)));
        Assert.Equal(
            [(1, "create_widgets", CreateWidgets.Checksum), (2, "add_widget_color", AddColor.Checksum), (3, "add_widget_size", AddSize.Checksum)],
            recorded);
        Assert.All(recorded, r => Assert.Matches("^[0-9a-f]{64}$", r.Item3));
        var columns = await QueryAsync(dataSource, "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'widgets' ORDER BY ordinal_position",
            r => r.GetString(0));
        Assert.Equal(["id", "color", "size"], columns);
    }

    [Fact]
    public async Task ASecondRunAppliesNothing()
    {
        var dataSource = postgres.DataSource(await postgres.CreateSchemaAsync());
        var set = new MigrationSet([CreateWidgets, AddColor]);
        await MigrationRunner.ApplyAsync(dataSource, set);

        var second = await MigrationRunner.ApplyAsync(dataSource, set);

        Assert.Empty(second);
        Assert.Equal(2L, await ScalarAsync(dataSource, "SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task ANewMigrationIsAppliedAloneOnTheNextRun()
    {
        var dataSource = postgres.DataSource(await postgres.CreateSchemaAsync());
        await MigrationRunner.ApplyAsync(dataSource, new MigrationSet([CreateWidgets, AddColor]));

        var applied = await MigrationRunner.ApplyAsync(dataSource, new MigrationSet([CreateWidgets, AddColor, AddSize]));

        Assert.Equal([3], applied);
    }

    [Fact]
    public async Task AnEditedAppliedMigrationIsRefusedWithAMessageSayingToAddANewOne()
    {
        var dataSource = postgres.DataSource(await postgres.CreateSchemaAsync());
        await MigrationRunner.ApplyAsync(dataSource, new MigrationSet([CreateWidgets, AddColor]));
        // A new instance: `AddColor with { Sql = ... }` would copy the old Checksum (computed once at construction).
        var edited = new Migration(AddColor.Version, AddColor.Name, "ALTER TABLE widgets ADD COLUMN colour text;");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => MigrationRunner.ApplyAsync(dataSource, new MigrationSet([CreateWidgets, edited, AddSize])));

        Assert.Contains("Migration 0002_add_widget_color was edited after it was applied", error.Message, StringComparison.Ordinal);
        Assert.Contains("add a new migration instead", error.Message, StringComparison.Ordinal);
        // Nothing after the refused migration ran.
        Assert.Equal(2L, await ScalarAsync(dataSource, "SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task AFailingMigrationLeavesNeitherItsChangesNorItsRecord()
    {
        var dataSource = postgres.DataSource(await postgres.CreateSchemaAsync());
        var broken = new Migration(2, "broken", "CREATE TABLE gadgets (id text); SELECT no_such_function();");

        await Assert.ThrowsAsync<PostgresException>(() => MigrationRunner.ApplyAsync(dataSource, new MigrationSet([CreateWidgets, broken])));

        Assert.Equal(1L, await ScalarAsync(dataSource, "SELECT count(*) FROM schema_migrations"));
        Assert.Equal(0L, await ScalarAsync(dataSource, "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'gadgets'"));
    }

    [Fact]
    public async Task FourReplicasStartingTogetherApplyEachMigrationExactlyOnce()
    {
        var schema = await postgres.CreateSchemaAsync();
        // Each migration logs itself; the sleep widens the window in which unlocked runners would race.
        var set = new MigrationSet([.. Enumerable.Range(1, 3).Select(v => new Migration(v, $"step_{v}",
            (v == 1 ? "CREATE TABLE applied_log (version integer NOT NULL);" : "") + $"SELECT pg_sleep(0.2); INSERT INTO applied_log VALUES ({v});"))]);
        var replicas = Enumerable.Range(0, 4).Select(_ => postgres.DataSource(schema)).ToArray();
        using var start = new ManualResetEventSlim();

        var runs = replicas.Select(dataSource => Task.Run(async () =>
        {
            start.Wait();
            return await MigrationRunner.ApplyAsync(dataSource, set);
        })).ToArray();
        start.Set();
        var applied = await Task.WhenAll(runs);

        Assert.Equal([1, 2, 3], applied.SelectMany(a => a).Order());
        Assert.Single(applied, a => a.Count > 0);
        var log = await QueryAsync(replicas[0], "SELECT version FROM applied_log ORDER BY version", r => r.GetInt32(0));
        Assert.Equal([1, 2, 3], log);
    }

    [Fact]
    public void EmbeddedMigrationsAreReadFromTheAssemblyInVersionOrder()
    {
        var set = MigrationSet.FromAssembly(typeof(MigrationRunnerTests).Assembly);

        Assert.Equal([(1, "create_widgets"), (2, "add_widget_color")], set.Migrations.Select(m => (m.Version, m.Name)));
        Assert.Contains("CREATE TABLE widgets", set.Migrations[0].Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void TheChecksumIgnoresLineEndingsButNotContent()
    {
        var unix = new Migration(1, "a", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n");
        var windows = new Migration(1, "a", "CREATE TABLE a (id int);\r\nCREATE TABLE b (id int);\r\n");
        var edited = new Migration(1, "a", "CREATE TABLE a (id int);\nCREATE TABLE c (id int);\n");

        Assert.Equal(unix.Checksum, windows.Checksum);
        Assert.NotEqual(unix.Checksum, edited.Checksum);
    }

    private static async Task<List<T>> QueryAsync<T>(NpgsqlDataSource dataSource, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }
        return rows;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
