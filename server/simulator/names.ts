/**
 * The people the simulator provisions: realistic names, several of them non-Latin (the
 * directory must keep them as sent), and userNames unique per run (`<slug>.<run>@…`), so a run
 * never collides with the records of an earlier one.
 */
export interface SimulatedPerson {
  readonly givenName: string;
  readonly familyName: string;
  readonly userName: string;
  readonly externalId: string;
}

/** Given name, family name, and the ASCII slug the userName is made of. */
const PEOPLE: readonly (readonly [string, string, string])[] = [
  ['Ada', 'Lovelace', 'ada.lovelace'],
  ['José', 'Álvarez', 'jose.alvarez'],
  ['山田', '太郎', 'taro.yamada'],
  ['Zoë', 'Müller', 'zoe.mueller'],
  ['Анна', 'Иванова', 'anna.ivanova'],
  ['Ngozi', 'Okonkwo', 'ngozi.okonkwo'],
  ['محمد', 'علي', 'mohammed.ali'],
  ['Søren', 'Kierkegaard', 'soren.kierkegaard'],
  ['Priya', 'Raman', 'priya.raman'],
  ['김', '민준', 'minjun.kim'],
  ['Łukasz', 'Nowak', 'lukasz.nowak'],
  ['Ελένη', 'Παπαδοπούλου', 'eleni.papadopoulou'],
  ['Chloé', 'Dubois', 'chloe.dubois'],
  ['王', '芳', 'fang.wang'],
  ['Kwame', 'Mensah', 'kwame.mensah'],
  ['Siobhán', "O'Brien", 'siobhan.obrien'],
  ['अर्जुन', 'शर्मा', 'arjun.sharma'],
  ['Mateo', 'Rossi', 'mateo.rossi'],
  ['Nguyễn', 'Thị Lan', 'lan.nguyen'],
  ['Olusegun', 'Adeyemi', 'olusegun.adeyemi'],
  ['דנה', 'כהן', 'dana.cohen'],
  ['Björn', 'Lindqvist', 'bjorn.lindqvist'],
  ['Fatma', 'Yılmaz', 'fatma.yilmaz'],
  ['Grace', 'Hopper', 'grace.hopper'],
  ['Aroha', 'Ngata', 'aroha.ngata'],
];

/** The domain of every simulated userName (reserved for examples: never a real mailbox). */
export const SIMULATED_DOMAIN = 'scimdesk-sim.example';

/** Person `index` (0-based) of run `run`: the names repeat after the list, the userNames never do. */
export function person(run: string, index: number): SimulatedPerson {
  const [givenName, familyName, slug] = PEOPLE[index % PEOPLE.length]!;
  const round = Math.floor(index / PEOPLE.length);
  const userName = `${slug}${round ? round + 1 : ''}.${run}@${SIMULATED_DOMAIN}`;
  return { givenName, familyName, userName, externalId: `sim-${run}-${index + 1}` };
}
