import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable, tap } from 'rxjs';
import { timeService } from './server-timing';

/** The innermost interceptor: times the route's pipes and handler for the Server-Timing header. */
@Injectable()
export class ServiceTimingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const end = timeService(context.switchToHttp().getRequest<Request>());
    return next.handle().pipe(tap({ next: end, error: end, complete: end }));
  }
}
