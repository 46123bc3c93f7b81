import { JobQueues, QUEUE_NAMES } from '@airlock/queue';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { All, Controller, Next, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { Roles } from '../auth/roles.decorator';

export const DASHBOARD_PATH = '/admin/queues';

/**
 * Bull Board, the queue dashboard, for admins: every queue with its jobs, their data (ids only),
 * errors and attempts, and retry/clean actions. Served through a Nest route rather than mounted
 * beside Nest, so the global AuthGuard (admin token) and the problem+json errors apply to it
 * like to every other route. A browser needs a way to send `Authorization: Bearer …` (a header
 * extension, or a reverse proxy that adds it for operators).
 */
@ApiExcludeController()
@Roles('admin')
@Controller('admin/queues')
export class QueueDashboardController {
  private readonly board: ReturnType<ExpressAdapter['getRouter']>;

  constructor(queues: JobQueues) {
    const server = new ExpressAdapter();
    server.setBasePath(DASHBOARD_PATH);
    createBullBoard({
      queues: QUEUE_NAMES.map((name) => new BullMQAdapter(queues.queue(name))),
      serverAdapter: server,
      options: { uiConfig: { boardTitle: 'Airlock queues' } },
    });
    this.board = server.getRouter();
  }

  @All(['', '*path'])
  serve(@Req() request: Request, @Res() response: Response, @Next() next: NextFunction): void {
    // The board's router expects paths below its mount point, as app.use(base, router) gives it.
    request.url = request.originalUrl.slice(DASHBOARD_PATH.length) || '/';
    (this.board as (req: Request, res: Response, next: NextFunction) => void)(
      request,
      response,
      next,
    );
  }
}
