import { AppConfig } from '@airlock/config';
import { PeriodicPass } from '@airlock/queue';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { IntegritySchedules } from './integrity-schedules';

/**
 * Every worker applies the audit schedules at boot and each AIRLOCK_RECONCILE_INTERVAL_MS
 * (Postgres is the truth: the registries of role `prod`). Several workers doing it at once add
 * nothing twice: a tick's job id is derived from the tick.
 */
@Injectable()
export class IntegrityScheduleReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IntegrityScheduleReconciler.name);
  private readonly periodic: PeriodicPass;

  constructor(config: AppConfig, schedules: IntegritySchedules) {
    this.periodic = new PeriodicPass(
      'integrity schedule reconcile',
      config.reconcileIntervalMs,
      () => schedules.reconcile(),
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
