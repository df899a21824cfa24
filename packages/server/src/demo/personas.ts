import type { CreateOfficeInput } from '@hotline/contract';
import type { Role } from '../policy/roles.js';

export interface DemoPerson {
  role: Role;
  displayName: string;
  title: string;
  email: string;
  /** Interprets on calls (offered as an interpreter by the schedule form). */
  interpreter?: true;
}

export interface DemoOffice {
  office: CreateOfficeInput;
  people: DemoPerson[];
}

/**
 * The demo world. Principals are the sitting leaders; everyone else is a fictional official with
 * a realistic title. Emails use reserved example domains (RFC 2606).
 */
export const DEMO_OFFICES: DemoOffice[] = [
  {
    office: {
      slug: 'us-potus',
      name: 'Office of the President of the United States',
      country: 'US',
      leaderTitle: 'President',
      leaderName: 'Donald J. Trump',
      timeZone: 'America/New_York',
    },
    people: [
      {
        role: 'principal',
        displayName: 'Donald J. Trump',
        title: 'President of the United States',
        email: 'potus@us.example.gov',
      },
      {
        role: 'staff',
        displayName: 'Margaret Ellison',
        title: 'Deputy Chief of Staff',
        email: 'm.ellison@us.example.gov',
      },
      {
        role: 'reviewer',
        displayName: 'Dr. Samuel Okafor',
        title: 'Senior Director for Western Hemisphere Affairs, NSC',
        email: 's.okafor@us.example.gov',
      },
      {
        role: 'reviewer',
        displayName: 'Ambassador Helen Marsh',
        title: 'Senior Director for International Economics, NSC',
        email: 'h.marsh@us.example.gov',
      },
      {
        role: 'secretariat',
        displayName: 'Linda Park',
        title: 'Executive Secretary, National Security Council',
        email: 'l.park@us.example.gov',
      },
      {
        role: 'notetaker',
        displayName: 'James Whitaker',
        title: 'Situation Room Duty Officer',
        email: 'j.whitaker@us.example.gov',
      },
      {
        role: 'press',
        displayName: 'Rachel Moreno',
        title: 'Deputy Press Secretary',
        email: 'r.moreno@us.example.gov',
      },
      {
        role: 'records',
        displayName: 'Thomas Brennan',
        title: 'Director of Records Management, White House Office of Records',
        email: 't.brennan@us.example.gov',
      },
      {
        role: 'liaison',
        displayName: 'Catherine Hale',
        title: 'Director, Office of the Chief of Protocol (liaison)',
        email: 'c.hale@us.example.gov',
        interpreter: true,
      },
      {
        role: 'admin',
        displayName: 'Kevin Liu',
        title: 'Chief Information Security Officer, Office of Administration',
        email: 'k.liu@us.example.gov',
      },
    ],
  },
  {
    office: {
      slug: 'ca-pmo',
      name: 'Office of the Prime Minister of Canada',
      country: 'CA',
      leaderTitle: 'Prime Minister',
      leaderName: 'Mark Carney',
      timeZone: 'America/Toronto',
    },
    people: [
      {
        role: 'principal',
        displayName: 'Mark Carney',
        title: 'Prime Minister of Canada',
        email: 'pm@ca.example.gc.ca',
      },
      {
        role: 'staff',
        displayName: 'Geneviève Tremblay',
        title: 'Director of Policy, PMO',
        email: 'g.tremblay@ca.example.gc.ca',
      },
      {
        role: 'reviewer',
        displayName: 'Arjun Mehta',
        title: 'Foreign and Defence Policy Advisor to the Prime Minister',
        email: 'a.mehta@ca.example.gc.ca',
      },
      {
        role: 'reviewer',
        displayName: 'Nadia Rahman',
        title: 'Deputy National Security and Intelligence Advisor, PCO',
        email: 'n.rahman@ca.example.gc.ca',
      },
      {
        role: 'secretariat',
        displayName: 'Colleen MacDonald',
        title: 'Director of Operations, Privy Council Office',
        email: 'c.macdonald@ca.example.gc.ca',
      },
      {
        role: 'notetaker',
        displayName: 'Étienne Gagnon',
        title: 'Policy Analyst, Foreign and Defence Policy Secretariat',
        email: 'e.gagnon@ca.example.gc.ca',
        interpreter: true,
      },
      {
        role: 'press',
        displayName: 'Sarah Whitfield',
        title: 'Press Secretary to the Prime Minister',
        email: 's.whitfield@ca.example.gc.ca',
      },
      {
        role: 'records',
        displayName: 'Daniel Fortin',
        title: 'Manager, Information Management, PCO',
        email: 'd.fortin@ca.example.gc.ca',
      },
      {
        role: 'liaison',
        displayName: 'Priya Sandhu',
        title: 'Liaison Officer, Global Affairs Canada',
        email: 'p.sandhu@ca.example.gc.ca',
        interpreter: true,
      },
      {
        role: 'admin',
        displayName: 'Marc Lefebvre',
        title: 'IT Security Lead, Privy Council Office',
        email: 'm.lefebvre@ca.example.gc.ca',
      },
    ],
  },
  {
    office: {
      slug: 'fr-elysee',
      name: 'Office of the President of France',
      country: 'FR',
      leaderTitle: 'President',
      leaderName: 'Emmanuel Macron',
      timeZone: 'Europe/Paris',
    },
    people: [
      {
        role: 'principal',
        displayName: 'Emmanuel Macron',
        title: 'Président de la République',
        email: 'president@fr.example.gouv.fr',
      },
      {
        role: 'staff',
        displayName: 'Claire Dubois',
        title: 'Directrice adjointe du cabinet',
        email: 'c.dubois@fr.example.gouv.fr',
      },
      {
        role: 'reviewer',
        displayName: 'Antoine Lefèvre',
        title: 'Conseiller Amériques, cellule diplomatique',
        email: 'a.lefevre@fr.example.gouv.fr',
      },
      {
        role: 'reviewer',
        displayName: 'Isabelle Fontaine',
        title: 'Conseillère diplomatique adjointe',
        email: 'i.fontaine@fr.example.gouv.fr',
      },
      {
        role: 'secretariat',
        displayName: 'Hélène Marchand',
        title: 'Secrétaire générale adjointe',
        email: 'h.marchand@fr.example.gouv.fr',
      },
      {
        role: 'notetaker',
        displayName: 'Julien Moreau',
        title: 'Chargé de mission, cellule diplomatique',
        email: 'j.moreau@fr.example.gouv.fr',
      },
      {
        role: 'press',
        displayName: 'Camille Rousseau',
        title: 'Conseillère presse',
        email: 'c.rousseau@fr.example.gouv.fr',
      },
      {
        role: 'records',
        displayName: 'Nathalie Girard',
        title: 'Chargée des archives de la présidence',
        email: 'n.girard@fr.example.gouv.fr',
      },
      {
        role: 'liaison',
        displayName: 'Olivier Bernard',
        title: 'Chef du protocole (liaison)',
        email: 'o.bernard@fr.example.gouv.fr',
        interpreter: true,
      },
      {
        role: 'admin',
        displayName: 'Sophie Laurent',
        title: "Responsable de la sécurité des systèmes d'information",
        email: 's.laurent@fr.example.gouv.fr',
      },
    ],
  },
  {
    office: {
      slug: 'mx-presidencia',
      name: 'Office of the President of Mexico',
      country: 'MX',
      leaderTitle: 'President',
      leaderName: 'Claudia Sheinbaum Pardo',
      timeZone: 'America/Mexico_City',
    },
    people: [
      {
        role: 'principal',
        displayName: 'Claudia Sheinbaum Pardo',
        title: 'Presidenta de los Estados Unidos Mexicanos',
        email: 'presidenta@mx.example.gob.mx',
      },
      {
        role: 'staff',
        displayName: 'Alejandro Ruiz',
        title: 'Coordinador de Asesores',
        email: 'a.ruiz@mx.example.gob.mx',
      },
      {
        role: 'reviewer',
        displayName: 'Dra. Lucía Hernández',
        title: 'Directora General para América del Norte, SRE',
        email: 'l.hernandez@mx.example.gob.mx',
      },
      {
        role: 'reviewer',
        displayName: 'Mtro. Diego Ramírez',
        title: 'Subsecretario para América del Norte, SRE',
        email: 'd.ramirez@mx.example.gob.mx',
      },
      {
        role: 'secretariat',
        displayName: 'Fernando Castillo',
        title: 'Secretario Técnico de la Presidencia',
        email: 'f.castillo@mx.example.gob.mx',
      },
      {
        role: 'notetaker',
        displayName: 'Mariana López',
        title: 'Analista, Oficina de la Presidencia',
        email: 'm.lopez@mx.example.gob.mx',
      },
      {
        role: 'press',
        displayName: 'Jorge Navarro',
        title: 'Coordinador de Comunicación Social',
        email: 'j.navarro@mx.example.gob.mx',
      },
      {
        role: 'records',
        displayName: 'Patricia Vega',
        title: 'Titular del Archivo de la Presidencia',
        email: 'p.vega@mx.example.gob.mx',
      },
      {
        role: 'liaison',
        displayName: 'Ricardo Salinas Ortega',
        title: 'Enlace, Dirección General de Protocolo, SRE',
        email: 'r.salinas@mx.example.gob.mx',
        interpreter: true,
      },
      {
        role: 'admin',
        displayName: 'Gabriela Torres',
        title: 'Directora de Seguridad de la Información',
        email: 'g.torres@mx.example.gob.mx',
      },
    ],
  },
];
