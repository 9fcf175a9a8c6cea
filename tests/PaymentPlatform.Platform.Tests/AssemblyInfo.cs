// Each collection starts a whole AppHost; on a shared 2-core machine two at once only slow
// each other down, and the fault collections kill processes on purpose.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
