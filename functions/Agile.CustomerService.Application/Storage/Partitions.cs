namespace Agile.CustomerService.Application.Storage;

/// <summary>Partition keys and document ids: the data model of docs/data-model.md in one place.</summary>
public static class Partitions
{
    public const int TimerShards = 16;

    public static string Customer(string customerId) => $"customer:{customerId}";

    public static string Team(string teamId) => $"team:{teamId}";

    public const string Directory = "directory";

    public const string Checkpoints = "checkpoints";

    public const string DeadLetters = "deadletters";

    /// <summary>The local stand-in's queue for one Service Bus entity (queue, or topic/subscription).</summary>
    public static string LocalQueue(string entity) => $"localbus:{entity}";

    public static string TimerShard(int shard) => $"timers:{shard}";

    public static string TimerShardFor(string key) => TimerShard((int)(StableHash(key) % TimerShards));

    /// <summary>FNV-1a: stable across processes, unlike string.GetHashCode.</summary>
    public static uint StableHash(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}

public static class Kinds
{
    public const string Customer = "customer";
    public const string Case = "case";
    public const string Command = "command";
    public const string Dispatch = "dispatch";
    public const string Queued = "queued";
    public const string Board = "board";
    public const string Region = "region";
    public const string TeamIndex = "team-index";
    public const string AgentIndex = "agent-index";
    public const string Timer = "timer";
    public const string Checkpoint = "checkpoint";
    public const string Rollup = "rollup";
    public const string Processed = "processed";
    public const string Served = "served";
    public const string Complaint = "complaint";
    public const string Survey = "survey";
    public const string Retro = "retro";
    public const string Pilot = "pilot";

    /// <summary>Written by the quality feature: an agent's request to exclude a case from handle time (docs/metrics.md).</summary>
    public const string HandleTimeExemption = "handle-time-exemption";
    public const string Message = "message";
    public const string DeadLetter = "deadletter";
    public const string Identity = "identity";
    public const string IdentityLink = "identity-link";
    public const string AuthorityAgreement = "authority-agreement";
    public const string CustomerAction = "customer-action";
    public const string Schedule = "schedule";
    public const string Roster = "roster";
    public const string TeamLeads = "team-leads";
    public const string ShiftsLink = "shifts-link";
    public const string ShiftsSync = "shifts-sync";
}
