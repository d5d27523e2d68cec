/**
 * The virtual compound library: about 30 compounds in the six groups of the benchmark papers,
 * each with a dose–response phenotype. Effects follow a Hill curve in concentration; every
 * phenotype field is the effect at full response (0 = none).
 */
export const MOA_GROUPS = [
  'kinase inhibitor',
  'epigenetic modifier',
  'growth factor receptor inhibitor',
  'protease inhibitor',
  'lipid signalling modifier',
  'control',
] as const;
export type MoaGroup = (typeof MOA_GROUPS)[number];

export interface Phenotype {
  /** fraction of cells lost at full response (0..1) */
  toxicity: number;
  /** relative change of nucleus radius (+0.3 = 30% larger) */
  nucleusSize: number;
  /** chromatin texture contrast change (+ coarser / condensed) */
  chromatin: number;
  /** extra fraction of cells arrested in mitosis (rounded, condensed DNA) */
  mitoticArrest: number;
  /** fraction of cells with two or more nuclei */
  multinucleation: number;
  /** mitochondrial fragmentation 0 (filamentous) .. 1 (punctate) */
  mitoFragmentation: number;
  /** relative ER / RNA / AGP stain intensity change */
  er: number;
  rna: number;
  agp: number;
  /** relative change of cell radius (+ spread, − rounded) */
  spreading: number;
  /** extra apoptotic fraction */
  apoptosis: number;
}

export interface Compound {
  /** JUMP-style broad_sample id (virtual, never a real Broad id) */
  broadSample: string;
  name: string;
  moa: MoaGroup;
  target: string;
  inchiKey: string;
  smiles: string;
  /** concentration at half response, mM */
  ec50: number;
  hill: number;
  phenotype: Phenotype;
}

const NONE: Phenotype = {
  toxicity: 0,
  nucleusSize: 0,
  chromatin: 0,
  mitoticArrest: 0,
  multinucleation: 0,
  mitoFragmentation: 0,
  er: 0,
  rna: 0,
  agp: 0,
  spreading: 0,
  apoptosis: 0,
};

/** A syntactically valid, obviously virtual InChIKey (14-10-1 letters) derived from the id. */
function fakeInchiKey(id: string): string {
  let h = 2166136261;
  const letters: string[] = [];
  for (let i = 0; i < 25; i++) {
    for (const c of id + i) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
    letters.push(String.fromCharCode(65 + ((h >>> 0) % 26)));
  }
  return `${letters.slice(0, 14).join('')}-${letters.slice(14, 22).join('')}SA-N`;
}

type Spec = [name: string, target: string, ec50_uM: number, effects: Partial<Phenotype>, smiles: string];

// Potencies and effects are chosen so that each group has a recognisable signature and the
// groups overlap partly, as real MoA classes do.
const SPECS: Record<Exclude<MoaGroup, 'control'>, Spec[]> = {
  'kinase inhibitor': [
    ['vastaurin', 'pan-kinase', 0.3, { toxicity: 0.8, apoptosis: 0.25, spreading: -0.35, chromatin: 0.5, mitoFragmentation: 0.4 }, 'CN[C@@H]1C[C@H]2O[C@@](C)([C@@H]1OC)n1c3ccccc3c3c4CNC(=O)c4c4c5ccccc5n2c4c31'],
    ['aurorasib', 'AURKB', 0.5, { multinucleation: 0.55, nucleusSize: 0.45, toxicity: 0.2, spreading: 0.2 }, 'Cc1cc(Nc2cc(N3CCN(C)CC3)nc(Sc3ccc(NC(=O)C4CC4)cc3)n2)n[nH]1'],
    ['polokinib', 'PLK1', 0.2, { mitoticArrest: 0.35, toxicity: 0.35, spreading: -0.25, chromatin: 0.6 }, 'CCC1N(C2CCCC2)c2nc(Nc3ccc(C(=O)NC4CCN(C)CC4)cc3OC)ncc2N(C)C1=O'],
    ['cyclidenib', 'CDK1/2', 1.0, { toxicity: 0.3, nucleusSize: 0.2, rna: -0.25, chromatin: 0.2 }, 'CC(C)n1cnc2c(NCc3ccccc3)nc(N[C@H](CO)CC)nc21'],
    ['rockinib', 'ROCK1/2', 2.0, { spreading: 0.35, agp: -0.35, toxicity: 0.05 }, 'C[C@@H](N)[C@H]1CC[C@@H](CC1)C(=O)Nc1ccncc1'],
    ['mekarin', 'MEK1/2', 0.8, { toxicity: 0.15, spreading: -0.15, rna: -0.2 }, 'OC[C@@H](O)CONC(=O)c1ccc(F)c(F)c1Nc1ccc(I)cc1F'],
  ],
  'epigenetic modifier': [
    ['vorinodac', 'HDAC', 1.5, { nucleusSize: 0.35, chromatin: -0.45, rna: 0.3, toxicity: 0.15 }, 'ONC(=O)CCCCCCC(=O)Nc1ccccc1'],
    ['panodac', 'HDAC', 0.1, { nucleusSize: 0.4, chromatin: -0.55, rna: 0.35, toxicity: 0.3 }, 'Cc1[nH]c2ccccc2c1CCNCc1ccc(/C=C/C(=O)NO)cc1'],
    ['bromoquin', 'BRD4', 0.4, { nucleusSize: -0.15, rna: -0.4, toxicity: 0.2, er: -0.15 }, 'Cc1sc2c(c1C)C(c1ccc(Cl)cc1)=N[C@@H](CC(=O)OC(C)(C)C)c1nnc(C)n1-2'],
    ['azacytin', 'DNMT1', 3.0, { chromatin: 0.35, nucleusSize: 0.15, toxicity: 0.15 }, 'Nc1ncn([C@@H]2O[C@H](CO)[C@@H](O)[C@H]2O)c(=O)n1'],
    ['ezhibrin', 'EZH2', 2.5, { chromatin: 0.25, nucleusSize: 0.1 }, 'CCN(C1CCOCC1)c1cc(-c2ccc(CN3CCOCC3)cc2)cc(C(=O)NCc2c(C)cc(C)[nH]c2=O)c1C'],
  ],
  'growth factor receptor inhibitor': [
    ['gefirinib', 'EGFR', 1.0, { spreading: -0.3, toxicity: 0.25, agp: -0.2 }, 'COc1cc2ncnc(Nc3ccc(F)c(Cl)c3)c2cc1OCCCN1CCOCC1'],
    ['erlonib', 'EGFR', 1.2, { spreading: -0.25, toxicity: 0.2, agp: -0.15 }, 'COCCOc1cc2ncnc(Nc3cccc(C#C)c3)c2cc1OCCOC'],
    ['lapanib', 'EGFR/ERBB2', 2.0, { spreading: -0.2, toxicity: 0.15, er: 0.1 }, 'CS(=O)(=O)CCNCc1ccc(-c2ccc3ncnc(Nc4ccc(OCc5cccc(F)c5)c(Cl)c4)c3c2)o1'],
    ['sunifinib', 'VEGFR/PDGFR', 1.5, { toxicity: 0.3, mitoFragmentation: 0.25, spreading: -0.1 }, 'CCN(CC)CCNC(=O)c1c(C)[nH]c(/C=C2\\C(=O)Nc3ccc(F)cc32)c1C'],
    ['linsitinib', 'IGF1R', 2.5, { spreading: -0.15, rna: -0.15, toxicity: 0.1 }, 'C[C@]1(O)C[C@@H](C1)c1nc(-c2ccc3ccc(-c4ccccc4)nc3c2)c2c(N)nccn12'],
    ['crizonib', 'MET/ALK', 1.8, { spreading: -0.2, toxicity: 0.2, chromatin: 0.1 }, 'C[C@@H](Oc1cc(-c2cnn(C3CCNCC3)c2)cnc1N)c1c(Cl)ccc(F)c1Cl'],
  ],
  'protease inhibitor': [
    ['bortezomin', 'PSMB5', 0.02, { toxicity: 0.6, er: 0.6, apoptosis: 0.3, mitoFragmentation: 0.3, spreading: -0.2 }, 'CC(C)C[C@H](NC(=O)[C@@H](Cc1ccccc1)NC(=O)c1cnccn1)B(O)O'],
    ['carfilzin', 'PSMB5', 0.01, { toxicity: 0.55, er: 0.55, apoptosis: 0.25, rna: -0.2 }, 'CC(C)C[C@H](NC(=O)[C@H](Cc1ccccc1)NC(=O)[C@H](CCc1ccccc1)NC(=O)CN1CCOCC1)C(=O)[C@@]1(C)CO1'],
    ['leupeptide', 'cathepsin', 5.0, { er: 0.2, agp: 0.15, toxicity: 0.05 }, 'CC(C)C[C@H](NC(C)=O)C(=O)N[C@@H](CC(C)C)C(=O)N[C@H](C=O)CCCN=C(N)N'],
    ['calpastin', 'calpain', 4.0, { spreading: 0.15, agp: 0.25, er: 0.15 }, 'CC(C)C[C@H](NC(=O)OCc1ccccc1)C(=O)N[C@@H](CC(C)C)C=O'],
    ['aprotide', 'serine protease', 8.0, { er: 0.15, rna: 0.1 }, 'CC(C)C[C@H](NC(=O)[C@@H](N)CCCN=C(N)N)C(=O)O'],
  ],
  'lipid signalling modifier': [
    ['wortmarin', 'PI3K', 0.5, { spreading: -0.25, mitoFragmentation: 0.5, agp: -0.2, toxicity: 0.15 }, 'COC[C@H]1OC(=O)c2coc3c2[C@@]1(C)C1=C(C3=O)[C@@H]2CCC(=O)[C@@]2(C)C[C@H]1OC(C)=O'],
    ['statinol', 'HMGCR', 1.5, { mitoFragmentation: 0.7, er: 0.3, toxicity: 0.2, spreading: -0.1 }, 'CC[C@H](C)C(=O)O[C@H]1C[C@@H](C)C=C2C=C[C@H](C)[C@H](CC[C@@H]3C[C@@H](O)CC(=O)O3)[C@@H]21'],
    ['fingolite', 'S1PR', 1.0, { mitoFragmentation: 0.6, toxicity: 0.25, apoptosis: 0.1 }, 'CCCCCCCCc1ccc(CCC(N)(CO)CO)cc1'],
    ['tamoxilin', 'ESR1/lipid', 3.0, { er: 0.35, mitoFragmentation: 0.45, toxicity: 0.2 }, 'CC/C(=C(\\c1ccccc1)c1ccc(OCCN(C)C)cc1)c1ccccc1'],
    ['edelfosin', 'PLC/lipid raft', 2.0, { mitoFragmentation: 0.55, apoptosis: 0.15, toxicity: 0.3, rna: -0.15 }, 'CCCCCCCCCCCCCCCCCCOC[C@@H](COP([O-])(=O)OCC[N+](C)(C)C)OC'],
    ['ceramidol', 'sphingolipid', 4.0, { mitoFragmentation: 0.4, er: 0.2, toxicity: 0.1 }, 'CCCCCCCCCCCCC/C=C/[C@@H](O)[C@H](CO)NC(C)=O'],
  ],
};

export const COMPOUNDS: readonly Compound[] = Object.entries(SPECS).flatMap(([moa, specs], g) =>
  specs.map(([name, target, ec50uM, effects, smiles], i) => {
    const broadSample = `STN-V${String(g + 1).padStart(2, '0')}${String(i + 1).padStart(2, '0')}-001-01-0`;
    return {
      broadSample,
      name,
      moa: moa as MoaGroup,
      target,
      inchiKey: fakeInchiKey(broadSample),
      smiles,
      ec50: ec50uM / 1000,
      hill: 1.5,
      phenotype: { ...NONE, ...effects },
    } satisfies Compound;
  }),
);

/** The positive control (as JUMP plates carry one): the strongest cytotoxic kinase inhibitor. */
export const POSITIVE_CONTROL: Compound = COMPOUNDS.find((c) => c.name === 'vastaurin')!;

/** The compound whose full response kills the most cells (tests use it). */
export const MOST_TOXIC: Compound = [...COMPOUNDS].sort((a, b) => b.phenotype.toxicity - a.phenotype.toxicity)[0];

/** Concentrations used on the plate, mM (JUMP's mmoles_per_liter), low to high. */
export const DOSES_MM = [0.0001, 0.00033, 0.001, 0.0033, 0.01] as const;

/** Phenotype at a concentration: each effect scaled by the Hill response. */
export function phenotypeAt(c: Compound | null, doseMm: number): Phenotype {
  if (!c || doseMm <= 0) return { ...NONE };
  const x = Math.pow(doseMm / c.ec50, c.hill);
  const f = x / (1 + x);
  const p = { ...NONE };
  for (const k of Object.keys(p) as (keyof Phenotype)[]) p[k] = c.phenotype[k] * f;
  return p;
}
