import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../src/pipeline/types.js';
import { associate } from '../../../src/trackers/association.js';
import { newRecord } from '../../../src/trackers/track-record.js';
import { defaults } from './support/config.js';
import { FaceBank } from './support/faces.js';

const options = defaults('tracking');
const box = (x: number) => ({ x, y: 100, w: 60, h: 60 });

function confirmedRecord(id: string, person: string, x: number, bank: FaceBank) {
  const record = newRecord(id, { box: box(x), embedding: bank.sample(person) }, 0);
  record.confirmed = true;
  return record;
}

describe('associate', () => {
  it('prefers the face that matches by appearance when two overlap the prediction', () => {
    const bank = new FaceBank(21);
    const ann = confirmedRecord('anon-1', 'ann', 200, bank);
    // Two detections both overlapping Ann's box; only one looks like Ann.
    const observations: Observation[] = [
      { box: box(215), embedding: bank.sample('bob') },
      { box: box(220), embedding: bank.sample('ann') },
    ];
    const { matches, unmatched } = associate([ann], observations, 100, options);
    expect(matches.map((m) => m.observation)).toEqual([observations[1]]);
    expect(unmatched).toEqual([observations[0]]);
  });

  it('gates out observations below minIou of the prediction', () => {
    const bank = new FaceBank(22);
    const ann = confirmedRecord('anon-1', 'ann', 200, bank);
    const far: Observation = { box: box(400), embedding: bank.sample('ann') };
    const { matches, unmatched } = associate([ann], [far], 100, options);
    expect(matches).toEqual([]);
    expect(unmatched).toEqual([far]);
  });

  it('swaps back two contested tracks whose claims crossed over', () => {
    const bank = new FaceBank(23);
    const ann = confirmedRecord('anon-1', 'ann', 200, bank);
    const bob = confirmedRecord('anon-2', 'bob', 300, bank);
    ann.uncertain = bob.uncertain = true;
    ann.contested = bob.contested = true;
    const observations: Observation[] = [
      { trackId: 'anon-2', box: box(200), embedding: bank.sample('ann') },
      { trackId: 'anon-1', box: box(300), embedding: bank.sample('bob') },
    ];
    const { matches } = associate([ann, bob], observations, 100, options);
    const byId = new Map(matches.map((m) => [m.record.id, m.observation]));
    expect(byId.get('anon-1')).toBe(observations[0]);
    expect(byId.get('anon-2')).toBe(observations[1]);
  });

  it('detaches a face from a contested track when it is clearly someone else', () => {
    const bank = new FaceBank(24);
    const ann = confirmedRecord('anon-1', 'ann', 200, bank);
    ann.uncertain = true;
    ann.contested = true;
    const stranger: Observation = {
      trackId: 'anon-1',
      box: box(200),
      embedding: bank.sample('eve'),
    };
    const { matches, unmatched } = associate([ann], [stranger], 100, options);
    expect(matches).toEqual([]);
    expect(unmatched).toEqual([stranger]);
  });

  it('keeps the face that came back after a gap even when its embedding is far (turned head)', () => {
    const bank = new FaceBank(26);
    const ann = confirmedRecord('anon-1', 'ann', 200, bank);
    // Missing for a frame or two, then claimed again where it was heading: uncertain, not contested.
    ann.uncertain = true;
    const turned: Observation = { trackId: 'anon-1', box: box(204), embedding: bank.sample('eve') };
    const { matches, unmatched } = associate([ann], [turned], 100, options);
    expect(matches.map((m) => m.observation)).toEqual([turned]);
    expect(unmatched).toEqual([]);
  });

  it('trusts motion over a far refresh embedding when nothing made the track uncertain', () => {
    const bank = new FaceBank(25);
    const ann = confirmedRecord('anon-1', 'ann', 200, bank);
    const odd: Observation = { trackId: 'anon-1', box: box(202), embedding: bank.sample('eve') };
    expect(associate([ann], [odd], 100, options).matches).toHaveLength(1);
  });
});
