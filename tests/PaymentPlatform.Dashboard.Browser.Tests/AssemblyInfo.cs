// One AppHost and one browser for the assembly; the tests share both and run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
