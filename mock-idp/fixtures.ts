// The pre-registered upstream client and the test users, read from the package's `data/` folder.
import { readFileSync } from 'node:fs';
import { packageFile } from './package-root.ts';
import type { MockIdpFlavor, MockIdpUser } from './types.ts';

export interface FixtureUser extends MockIdpUser {
  email_verified: boolean;
  github_id: number;
}

interface UpstreamClientFixture {
  client_id: string;
  client_secret: string;
  client_name: string;
  scopes: Record<MockIdpFlavor, string>;
}

function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(packageFile(`data/${name}`), 'utf8')) as T;
}

export const upstreamClient = readFixture<UpstreamClientFixture>('upstream-client.json');
export const fixtureUsers = readFixture<FixtureUser[]>('users.json');

/** Finds a user by fixture id or login (what `login_hint` / `login` and the login form carry). */
export function findUser(idOrLogin: string | undefined): FixtureUser | undefined {
  if (!idOrLogin) return undefined;
  return fixtureUsers.find((u) => u.id === idOrLogin || u.login === idOrLogin);
}

/** The public view of a fixture user. */
export function publicUser(u: FixtureUser): MockIdpUser {
  return { id: u.id, sub: u.sub, name: u.name, email: u.email, login: u.login };
}
