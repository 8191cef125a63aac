import { mapSettled } from '../../../src/core/concurrency';
import { addTask, clusterName, serviceFromGroup, type UsageIndex } from '../../../src/core/usage';
import { tdArn } from '../../helpers/fixtures';

describe('usage index', () => {
  it('counts tasks per exact revision, not per family', () => {
    const index: UsageIndex = new Map();
    addTask(index, { taskDefinitionArn: tdArn('web', 1), clusterName: 'a', group: 'service:api', lastStatus: 'RUNNING', desiredStatus: 'RUNNING' });
    addTask(index, { taskDefinitionArn: tdArn('web', 1), clusterName: 'b', group: 'family:web', lastStatus: 'PENDING', desiredStatus: 'RUNNING' });
    addTask(index, { taskDefinitionArn: tdArn('web', 2), clusterName: 'a', lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING' });
    expect(index.get(tdArn('web', 1))).toEqual({ taskCount: 2, clusters: new Set(['a', 'b']), services: new Set(['api']) });
    expect(index.get(tdArn('web', 2))?.taskCount).toBe(1);
  });

  it('ignores a task that stopped between ListTasks and DescribeTasks', () => {
    const index: UsageIndex = new Map();
    addTask(index, { taskDefinitionArn: tdArn('web', 1), clusterName: 'a', lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });
    expect(index.size).toBe(0);
  });

  it('does not count a task that is being stopped (desiredStatus STOPPED), though ListTasks may still list it as RUNNING', () => {
    const index: UsageIndex = new Map();
    addTask(index, { taskDefinitionArn: tdArn('web', 1), clusterName: 'a', lastStatus: 'RUNNING', desiredStatus: 'STOPPED' });
    addTask(index, { taskDefinitionArn: tdArn('web', 1), clusterName: 'a', lastStatus: 'DEPROVISIONING', desiredStatus: 'STOPPED' });
    expect(index.size).toBe(0);
  });

  it('reads service and cluster names', () => {
    expect(serviceFromGroup('service:api')).toBe('api');
    expect(serviceFromGroup('family:web')).toBeUndefined();
    expect(clusterName('arn:aws:ecs:us-east-1:111111111111:cluster/prod-a')).toBe('prod-a');
    expect(clusterName('prod-a')).toBe('prod-a');
  });
});

describe('mapSettled', () => {
  it('keeps at most `limit` in flight and settles every item in order', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapSettled([1, 2, 3, 4, 5, 6], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      if (n === 3) throw new Error('three');
      return n * 10;
    });
    expect(peak).toBe(2);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'x'))).toEqual([10, 20, 'x', 40, 50, 60]);
  });
});
