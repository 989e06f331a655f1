import { Body, Get, HttpCode, Post } from '@nestjs/common';
import { GatewayService, RequestId, ServiceRoute } from '@app/platform';
import { CoderunnerService } from './coderunner.service';
import { ExecuteDto } from './execute.dto';

@GatewayService({
  name: 'coderunner',
  aliases: ['agent-coderunner'],
  description: 'Runs Python, JavaScript, TypeScript or Bash in a fresh sandbox with no network and hard limits',
  cost: 1,
})
export class CoderunnerController {
  constructor(private readonly coderunner: CoderunnerService) {}

  @Post('execute')
  @HttpCode(200)
  @ServiceRoute({ description: 'Run code; user errors are a 200 with their exit code' })
  execute(@RequestId() id: string, @Body() dto: ExecuteDto) {
    return this.coderunner.execute(id, dto);
  }

  @Get('runtimes')
  @ServiceRoute({ cost: 0, description: 'Languages, the versions inside the sandbox, and the limits table' })
  runtimes() {
    return this.coderunner.runtimes();
  }
}
