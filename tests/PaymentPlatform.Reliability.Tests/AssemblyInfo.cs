// Each test starts a whole AppHost and, for the fault runs, kills its processes on purpose:
// two at once on a shared 2-core machine would only measure each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
