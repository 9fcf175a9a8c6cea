// TestMerchants.cs names ParameterResource without importing its namespace (as InternalServices.cs does).
using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;

namespace PaymentPlatform.Platform.Tests;

/// <summary>What the payment tests do against a running platform: create payments, read each service's database, wait.</summary>
internal static class Probes
{
    public static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A Visa test number of its own (BIN 424242, random digits, Luhn check digit), so it has its own fingerprint.
    /// Risk counts attempts per card fingerprint across all merchants (and Redis keeps the counts between runs):
    /// payments that all used 4242424242424242 would be reviewed, then blocked, by velocity after a few per minute.
    /// </summary>
    public static string NewCardNumber()
    {
        var digits = "424242" + string.Concat(Enumerable.Range(0, 9).Select(_ => (char)('0' + RandomNumberGenerator.GetInt32(10))));
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            // Doubling every second digit from the right, counting the check digit still to come as the first.
            var d = digits[digits.Length - 1 - i] - '0';
            sum += i % 2 == 0 ? (d * 2 > 9 ? (d * 2) - 9 : d * 2) : d;
        }
        return digits + (char)('0' + ((10 - (sum % 10)) % 10));
    }

    /// <summary>
    /// A card payment through the gateway as <paramref name="gateway"/>'s merchant (its client carries the key); with
    /// a new card (<see cref="NewCardNumber"/>) unless one is given. A retry meant to be the same request passes the same card.
    /// </summary>
    public static async Task<HttpResponseMessage> PostPaymentAsync(
        HttpClient gateway, string? card = null, long amount = 1000, string? idempotencyKey = null, string captureMethod = "manual")
    {
        card ??= NewCardNumber();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/payments")
        {
            Content = JsonContent.Create(new
            {
                amount,
                currency = "usd",
                capture_method = captureMethod,
                payment_method = new { type = "card", card = new { number = card, exp_month = 12, exp_year = 2030, cvc = "123" } },
            }),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await gateway.SendAsync(request);
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Runs a query in a service's database (connected as that service's role) and returns its rows.</summary>
    public static async Task<List<object?[]>> QueryAsync(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Polls until <paramref name="probe"/> returns a value; the failure says what it waited for.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string waitingFor) where T : class
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (stopwatch.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {waitingFor}; it did not happen.");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds.</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string waitingFor) =>
        EventuallyAsync<object>(async () => await condition() ? new object() : null, timeout, waitingFor);
}
