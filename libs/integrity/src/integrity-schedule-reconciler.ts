import { AppConfig } from '@airlock/config';
import { PeriodicPass } from '@airlock/queue';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { IntegrityRunRecovery } from './integrity-run-recovery';
import { IntegritySchedules } from './integrity-schedules';

/**
 * Every worker applies the audit schedules at boot and each AIRLOCK_RECONCILE_INTERVAL_MS
 * (Postgres is the truth: the registries of role `prod`), then recovers runs whose job or worker
 * was lost (IntegrityRunRecovery). Several workers doing it at once add nothing twice: a tick's
 * job id is derived from the tick, a manual run's from the run.
 */
@Injectable()
export class IntegrityScheduleReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IntegrityScheduleReconciler.name);
  private readonly periodic: PeriodicPass;

  constructor(config: AppConfig, schedules: IntegritySchedules, recovery: IntegrityRunRecovery) {
    this.periodic = new PeriodicPass(
      'integrity schedule reconcile',
      config.reconcileIntervalMs,
      async () => {
        await schedules.reconcile();
        await recovery.recover();
      },
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.periodic.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }
}
