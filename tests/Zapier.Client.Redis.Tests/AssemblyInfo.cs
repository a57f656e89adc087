// Real timing (Redis keeps its own clock): the tests of this assembly must not compete for the two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
