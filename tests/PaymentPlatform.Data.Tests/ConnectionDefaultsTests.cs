using Microsoft.Extensions.Hosting;
using Npgsql;

namespace PaymentPlatform.Data.Tests;

public class ConnectionDefaultsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public void AConnectionStringWithoutPoolSettingsGetsAutoPrepareAndNoResetOnClose()
    {
        var result = new NpgsqlConnectionStringBuilder(
            PostgresExtensions.WithServiceDefaults("Host=db.internal;Port=5433;Database=paymentsdb;Username=gateway;Password=s3cret"));

        Assert.Equal(64, result.MaxAutoPrepare);
        Assert.Equal(2, result.AutoPrepareMinUsages);
        Assert.True(result.NoResetOnClose);
        Assert.Equal(("db.internal", 5433, "paymentsdb", "gateway", "s3cret"), (result.Host, result.Port, result.Database, result.Username, result.Password));
    }

    [Theory]
    [InlineData("Host=h;Max Auto Prepare=0;No Reset On Close=false", 0, 5, false)]
    [InlineData("Host=h;MaxAutoPrepare=10;Auto Prepare Min Usages=7", 10, 7, true)]
    [InlineData("Host=h;max auto prepare=20", 20, 5, true)]
    public void SettingsTheConnectionStringGivesAreKept(string given, int maxAutoPrepare, int minUsages, bool noResetOnClose)
    {
        var result = new NpgsqlConnectionStringBuilder(PostgresExtensions.WithServiceDefaults(given));

        Assert.Equal((maxAutoPrepare, minUsages, noResetOnClose), (result.MaxAutoPrepare, result.AutoPrepareMinUsages, result.NoResetOnClose));
    }

    [Fact]
    public async Task AStatementRunTwiceOnAPooledConnectionIsPreparedOnTheServerAndSurvivesTheConnectionsReturnToThePool()
    {
        var schema = await postgres.CreateSchemaAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { SearchPath = schema, MaxPoolSize = 1 }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(PostgresExtensions.WithServiceDefaults(connectionString));

        for (var i = 0; i < 3; i++)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var command = new NpgsqlCommand("SELECT $1::int + 1", connection) { Parameters = { new() { Value = i } } };
            Assert.Equal(i + 1, await command.ExecuteScalarAsync());
        }

        // One physical connection (pool of one): the third run found the statement the second prepared, so no reset dropped it.
        await using var check = await dataSource.OpenConnectionAsync();
        await using var prepared = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int + 1%'", check);
        Assert.Equal(1L, await prepared.ExecuteScalarAsync());
    }
}
