using System.Text;
using PaymentPlatform.Hosting.Postgres;

namespace PaymentPlatform.Hosting.Publishing;

/// <summary>
/// Shell and SQL that the PostgreSQL and Redis containers run when deployed. The scripts hold
/// no secret: passwords arrive as environment variables from the target's secret store.
/// </summary>
/// <remarks>
/// Two rules keep one script valid in every artifact: no braces (azd evaluates <c>{...}</c> in
/// manifest strings, and Bicep <c>${...}</c>) and no <c>$(</c> (Kubernetes expands <c>$(VAR)</c>
/// in a container's command and arguments).
/// </remarks>
internal static class ContainerScripts
{
    /// <summary>The environment variable that carries a database role's password into a container.</summary>
    public static string PasswordVariable(PostgresDatabaseResource database) =>
        $"{ApplicationModel.ResourceNames.ToEnvironmentPrefix(database.Name)}_PASSWORD";

    /// <summary>
    /// Idempotent SQL, as in run mode: each database's owning login role (not a superuser), its
    /// password brought in line with the secret, the database, and CONNECT revoked from PUBLIC so
    /// one service's role cannot open another's database (docs/contracts.md). Passwords are psql
    /// variables (<c>:'name'</c>), quoted by psql, never written into the script.
    /// </summary>
    public static string DatabaseSetupSql(IEnumerable<PostgresDatabaseResource> databases)
    {
        var sql = new StringBuilder();
        foreach (var database in databases)
        {
            RequireSafeName(database.DatabaseName, database);
            var role = QuoteIdentifier(database.RoleName);
            var name = QuoteIdentifier(database.DatabaseName);
            var variable = PsqlVariable(database);
            sql.Append("SELECT format('CREATE ROLE %I LOGIN', ").Append(QuoteLiteral(database.RoleName))
                .Append(") WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ").Append(QuoteLiteral(database.RoleName)).Append(")\\gexec\n");
            sql.Append("ALTER ROLE ").Append(role).Append(" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'").Append(variable).Append("';\n");
            sql.Append("SELECT format('CREATE DATABASE %I OWNER %I', ").Append(QuoteLiteral(database.DatabaseName)).Append(", ").Append(QuoteLiteral(database.RoleName))
                .Append(") WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = ").Append(QuoteLiteral(database.DatabaseName)).Append(")\\gexec\n");
            sql.Append("ALTER DATABASE ").Append(name).Append(" OWNER TO ").Append(role).Append(";\n");
            sql.Append("REVOKE ALL ON DATABASE ").Append(name).Append(" FROM PUBLIC;\n");
        }
        return sql.ToString();
    }

    /// <summary>A psql invocation that runs <see cref="DatabaseSetupSql"/> with each password passed as a variable.</summary>
    public static string PsqlSetupCommand(IReadOnlyList<PostgresDatabaseResource> databases, string connectionOptions)
    {
        var command = new StringBuilder("psql -v ON_ERROR_STOP=1 --no-psqlrc");
        if (connectionOptions.Length > 0)
        {
            command.Append(' ').Append(connectionOptions);
        }
        foreach (var database in databases)
        {
            command.Append(" -v ").Append(PsqlVariable(database)).Append("=\"$").Append(PasswordVariable(database)).Append('"');
        }
        command.Append(" <<'SQL'\n").Append(DatabaseSetupSql(databases)).Append("SQL\n");
        return Checked(command.ToString());
    }

    /// <summary>Fails the script, naming the secret, when a password variable is empty (the placeholder was never filled).</summary>
    public static string RequireNonEmpty(string variable, string secretName) =>
        $"if [ -z \"${variable}\" ]; then echo \"The secret '{secretName}' is empty: fill it before deploying (see README.md).\" >&2; exit 1; fi\n";

    /// <summary>
    /// The PostgreSQL container's command where the target cannot run a separate job (the
    /// manifest for azd, Container Apps): it installs the setup as an init script, which the
    /// official image runs when it initialises an empty data directory, then starts the
    /// server. The official image stops on SIGINT (fast shutdown); orchestrators send SIGTERM
    /// (smart shutdown, which waits for pooled connections until the grace period ends), so
    /// the shell turns either into SIGINT.
    /// </summary>
    public static string PostgresEntrypointScript(IReadOnlyList<PostgresDatabaseResource> databases)
    {
        var script = new StringBuilder();
        // Checked before initdb runs: a failing init script would leave an initialised data
        // directory without roles, and the image runs init scripts only once.
        foreach (var database in databases)
        {
            script.Append(RequireNonEmpty(PasswordVariable(database), database.RolePasswordParameter.Name));
        }
        if (databases.Count > 0)
        {
            script.Append("cat > /docker-entrypoint-initdb.d/10-paymentplatform-databases.sh <<'INIT'\n");
            script.Append(PsqlSetupCommand(databases, "--username \"$POSTGRES_USER\" --dbname postgres"));
            script.Append("INIT\n");
        }
        script.Append("docker-entrypoint.sh postgres &\n");
        script.Append("pid=$!\n");
        script.Append("trap 'kill -INT \"$pid\" 2>/dev/null' INT TERM\n");
        script.Append("while kill -0 \"$pid\" 2>/dev/null; do wait \"$pid\"; done\n");
        return Checked(script.ToString());
    }

    /// <summary>
    /// Redis as in run mode (contracts.md, "The event path"): a password, the append-only file
    /// with fsync on every write, no eviction, no RDB snapshots. The password reaches Redis as a
    /// config file on stdin, so it never shows in the process list; <c>exec</c> keeps Redis as
    /// the container's first process, so it receives SIGTERM and shuts down cleanly.
    /// </summary>
    public static string RedisScript(string secretName, int port) => Checked(
        RequireNonEmpty("REDIS_PASSWORD", secretName) +
        $"exec redis-server - --port {port} --dir /data --appendonly yes --appendfsync always --maxmemory-policy noeviction --save '' <<CONF\n" +
        "requirepass \"$REDIS_PASSWORD\"\n" +
        "CONF\n");

    private static string PsqlVariable(PostgresDatabaseResource database) =>
        PasswordVariable(database).ToLowerInvariant();

    private static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string QuoteLiteral(string literal) => "'" + literal.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static void RequireSafeName(string name, PostgresDatabaseResource database)
    {
        // Database names end up in shell here-documents and manifests; letters, digits, '_' and '-' are safe everywhere.
        if (name.Length == 0 || name.Length > 63 || !(char.IsAsciiLetter(name[0]) || name[0] == '_')
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new DistributedApplicationException(
                $"Database '{database.Name}' is named '{name}' in PostgreSQL; deployments need 1-63 letters, digits, '_' or '-', starting with a letter or '_'.");
        }
    }

    private static string Checked(string script) =>
        script.Contains('{', StringComparison.Ordinal) || script.Contains('}', StringComparison.Ordinal) || script.Contains("$(", StringComparison.Ordinal)
            ? throw new InvalidOperationException("A container script must contain neither braces nor '$(' (see ContainerScripts).")
            : script;
}
