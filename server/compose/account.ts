/** The caller's own data: export it, delete the account with the printed certificates it asked for (server/account/service.ts). */
import { AccountService } from '../account/service';
import { once, type Platform } from './platform';

export function accountOf(p: Platform): Promise<AccountService> {
  return once(p, accountOf, () => Promise.resolve(new AccountService({ store: p.store, clock: p.clock, files: p.files })));
}
