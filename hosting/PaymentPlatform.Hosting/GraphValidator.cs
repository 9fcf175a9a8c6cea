using PaymentPlatform.Hosting.ApplicationModel;

namespace PaymentPlatform.Hosting;

/// <summary>Rejects graphs that cannot run: references outside the app, and waits that form a cycle.</summary>
internal static class GraphValidator
{
    public static void Validate(IReadOnlyList<IResource> resources)
    {
        var known = resources.ToHashSet();
        foreach (var resource in resources)
        {
            foreach (var wait in resource.Annotations.OfType<WaitAnnotation>())
            {
                if (!known.Contains(wait.Resource))
                {
                    throw new DistributedApplicationException(
                        $"Resource '{resource.Name}' waits for '{wait.Resource.Name}', which is not part of this app. Add it with the same builder before waiting for it.");
                }
                if (wait.Resource is ParameterResource)
                {
                    throw new DistributedApplicationException(
                        $"Resource '{resource.Name}' waits for parameter '{wait.Resource.Name}'; parameters have no lifecycle to wait for. Remove the WaitFor.");
                }
            }
            foreach (var reference in resource.Annotations.OfType<ResourceReferenceAnnotation>())
            {
                if (!known.Contains(reference.Resource))
                {
                    throw new DistributedApplicationException(
                        $"Resource '{resource.Name}' references '{reference.Resource.Name}', which is not part of this app. Add it with the same builder before referencing it.");
                }
            }
        }

        var cycle = FindWaitCycle(resources);
        if (cycle is not null)
        {
            throw new DistributedApplicationException(
                $"WaitFor forms a cycle: {string.Join(" -> ", cycle.Select(r => r.Name))}. Nothing in a cycle could ever start; remove one of these waits.");
        }
    }

    /// <summary>The waits a resource has, including the implicit one of a database on its server.</summary>
    public static IEnumerable<IResource> DependenciesOf(IResource resource)
    {
        if (resource is IResourceWithParent child)
        {
            yield return child.Parent;
        }
        foreach (var wait in resource.Annotations.OfType<WaitAnnotation>())
        {
            yield return wait.Resource;
        }
    }

    private static List<IResource>? FindWaitCycle(IReadOnlyList<IResource> resources)
    {
        var state = new Dictionary<IResource, int>(); // 1 = on the path, 2 = done
        var path = new List<IResource>();

        List<IResource>? Visit(IResource resource)
        {
            state[resource] = 1;
            path.Add(resource);
            foreach (var dependency in DependenciesOf(resource))
            {
                if (state.GetValueOrDefault(dependency) == 1)
                {
                    return [.. path.Skip(path.IndexOf(dependency)), dependency];
                }
                if (state.GetValueOrDefault(dependency) == 0 && Visit(dependency) is { } found)
                {
                    return found;
                }
            }
            path.RemoveAt(path.Count - 1);
            state[resource] = 2;
            return null;
        }

        foreach (var resource in resources)
        {
            if (state.GetValueOrDefault(resource) == 0 && Visit(resource) is { } cycle)
            {
                return cycle;
            }
        }
        return null;
    }
}
