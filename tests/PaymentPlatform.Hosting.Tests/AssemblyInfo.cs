// Each collection starts real PostgreSQL, Redis and service processes; on two cores, two
// platforms at once make each other's health waits slow, so collections run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
