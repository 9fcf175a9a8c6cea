using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Orchestration;

namespace PaymentPlatform.Hosting.Dashboard;

/// <summary>The running app as the dashboard sees it: its model, states, console output and commands.</summary>
internal sealed record DashboardHost(
    DistributedApplicationModel Model,
    DistributedApplicationExecutionContext ExecutionContext,
    ResourceNotificationService Notifications,
    ResourceLoggerService Logs,
    ResourceCommandService Commands);
