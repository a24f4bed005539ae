// Reference data for synthetic cases: people, places and VASPs across the jurisdictions Waybill
// evaluates. Primary names are ASCII (IVMS101 MaxNText); names in other scripts are carried as
// localNameIdentifier, as the spec intends.

export interface Region {
  country: string;
  given: readonly string[];
  family: readonly string[];
  /** Local-script forms, index-aligned with given/family, when the country writes names another way. */
  localGiven?: readonly string[];
  localFamily?: readonly string[];
  cities: readonly { town: string; postCode: string }[];
  streets: readonly string[];
  idTypes: readonly ('CCPT' | 'IDCD' | 'DRLC' | 'TXID' | 'SOCS')[];
}

export const REGIONS: readonly Region[] = [
  {
    country: 'DE',
    given: ['Lukas', 'Anna', 'Jonas', 'Lea', 'Felix', 'Marie', 'Paul', 'Sophie'],
    family: ['Mueller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Wagner', 'Becker', 'Hoffmann'],
    cities: [
      { town: 'Berlin', postCode: '10115' },
      { town: 'Hamburg', postCode: '20095' },
      { town: 'Muenchen', postCode: '80331' },
    ],
    streets: ['Hauptstrasse', 'Schillerstrasse', 'Gartenweg', 'Bahnhofstrasse'],
    idTypes: ['IDCD', 'CCPT'],
  },
  {
    country: 'FR',
    given: ['Camille', 'Louis', 'Chloe', 'Hugo', 'Manon', 'Gabriel'],
    family: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard'],
    cities: [
      { town: 'Paris', postCode: '75001' },
      { town: 'Lyon', postCode: '69001' },
      { town: 'Marseille', postCode: '13001' },
    ],
    streets: ['Rue de la Paix', 'Avenue Victor Hugo', 'Rue Lafayette'],
    idTypes: ['IDCD', 'CCPT'],
  },
  {
    country: 'NL',
    given: ['Daan', 'Emma', 'Sem', 'Julia', 'Lucas', 'Tess'],
    family: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'Bakker', 'Visser'],
    cities: [
      { town: 'Amsterdam', postCode: '1012 AB' },
      { town: 'Utrecht', postCode: '3511 AD' },
    ],
    streets: ['Keizersgracht', 'Damrak', 'Oudegracht'],
    idTypes: ['IDCD', 'CCPT'],
  },
  {
    country: 'ES',
    given: ['Lucia', 'Hugo', 'Martina', 'Mateo', 'Paula', 'Daniel'],
    family: ['Garcia', 'Rodriguez', 'Gonzalez', 'Fernandez', 'Lopez', 'Martinez'],
    cities: [
      { town: 'Madrid', postCode: '28001' },
      { town: 'Barcelona', postCode: '08001' },
    ],
    streets: ['Calle Mayor', 'Gran Via', 'Calle de Alcala'],
    idTypes: ['IDCD', 'TXID'],
  },
  {
    country: 'US',
    given: ['James', 'Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Ethan', 'Mia'],
    family: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson'],
    cities: [
      { town: 'New York', postCode: '10001' },
      { town: 'Austin', postCode: '73301' },
      { town: 'Seattle', postCode: '98101' },
    ],
    streets: ['Main Street', 'Oak Avenue', 'Maple Drive', 'Elm Street'],
    idTypes: ['SOCS', 'DRLC', 'CCPT'],
  },
  {
    country: 'GB',
    given: ['Oliver', 'Amelia', 'George', 'Isla', 'Harry', 'Ava'],
    family: ['Taylor', 'Davies', 'Evans', 'Thomas', 'Roberts', 'Walker'],
    cities: [
      { town: 'London', postCode: 'EC1A 1BB' },
      { town: 'Manchester', postCode: 'M1 1AE' },
    ],
    streets: ['High Street', 'Station Road', 'Church Lane'],
    idTypes: ['CCPT', 'DRLC'],
  },
  {
    country: 'CH',
    given: ['Noah', 'Mia', 'Leon', 'Emma', 'Luca', 'Lina'],
    family: ['Mueller', 'Meier', 'Schmid', 'Keller', 'Weber', 'Huber'],
    cities: [
      { town: 'Zuerich', postCode: '8001' },
      { town: 'Geneve', postCode: '1201' },
      { town: 'Zug', postCode: '6300' },
    ],
    streets: ['Bahnhofstrasse', 'Rue du Rhone', 'Seestrasse'],
    idTypes: ['IDCD', 'CCPT'],
  },
  {
    country: 'SG',
    given: ['Wei Ling', 'Jun Jie', 'Hui Min', 'Kai Wen'],
    family: ['Tan', 'Lim', 'Lee', 'Ng'],
    localGiven: ['慧玲', '俊杰', '慧敏', '凯文'],
    localFamily: ['陈', '林', '李', '黄'],
    cities: [
      { town: 'Singapore', postCode: '018956' },
      { town: 'Singapore', postCode: '238859' },
    ],
    streets: ['Orchard Road', 'Marina Boulevard', 'Raffles Place'],
    idTypes: ['IDCD', 'CCPT'],
  },
  {
    country: 'JP',
    given: ['Haruto', 'Yui', 'Sota', 'Hina'],
    family: ['Sato', 'Suzuki', 'Takahashi', 'Tanaka'],
    localGiven: ['陽翔', '結衣', '蒼太', '陽菜'],
    localFamily: ['佐藤', '鈴木', '高橋', '田中'],
    cities: [
      { town: 'Tokyo', postCode: '100-0001' },
      { town: 'Osaka', postCode: '530-0001' },
    ],
    streets: ['Chiyoda', 'Umeda', 'Shibuya'],
    idTypes: ['CCPT', 'DRLC'],
  },
  {
    country: 'KR',
    given: ['Minjun', 'Seoyeon', 'Jiho', 'Hayoon'],
    family: ['Kim', 'Lee', 'Park', 'Choi'],
    localGiven: ['민준', '서연', '지호', '하윤'],
    localFamily: ['김', '이', '박', '최'],
    cities: [
      { town: 'Seoul', postCode: '04524' },
      { town: 'Busan', postCode: '48058' },
    ],
    streets: ['Sejong-daero', 'Teheran-ro', 'Haeundae-ro'],
    idTypes: ['IDCD', 'CCPT'],
  },
  {
    country: 'HK',
    given: ['Ka Ho', 'Wing Yan', 'Chi Keung', 'Mei Ling'],
    family: ['Chan', 'Wong', 'Cheung', 'Lau'],
    localGiven: ['家豪', '詠欣', '志強', '美玲'],
    localFamily: ['陳', '黃', '張', '劉'],
    cities: [{ town: 'Hong Kong', postCode: '000000' }],
    streets: ['Queens Road Central', 'Nathan Road', 'Hennessy Road'],
    idTypes: ['IDCD', 'CCPT'],
  },
  {
    country: 'TR',
    given: ['Yusuf', 'Zeynep', 'Eymen', 'Elif'],
    family: ['Yilmaz', 'Kaya', 'Demir', 'Sahin'],
    localGiven: ['Yusuf', 'Zeynep', 'Eymen', 'Elif'],
    localFamily: ['Yılmaz', 'Kaya', 'Demir', 'Şahin'],
    cities: [
      { town: 'Istanbul', postCode: '34000' },
      { town: 'Ankara', postCode: '06000' },
    ],
    streets: ['Istiklal Caddesi', 'Ataturk Bulvari'],
    idTypes: ['IDCD', 'TXID'],
  },
  {
    country: 'CA',
    given: ['Liam', 'Charlotte', 'Benjamin', 'Amelia'],
    family: ['Tremblay', 'Gagnon', 'Roy', 'MacDonald'],
    cities: [
      { town: 'Toronto', postCode: 'M5H 2N2' },
      { town: 'Montreal', postCode: 'H2Y 1C6' },
    ],
    streets: ['King Street West', 'Rue Sainte-Catherine'],
    idTypes: ['DRLC', 'CCPT'],
  },
  {
    country: 'AE',
    given: ['Mohammed', 'Fatima', 'Ahmed', 'Mariam'],
    family: ['Al Mansouri', 'Al Hashimi', 'Al Suwaidi', 'Al Falasi'],
    localGiven: ['محمد', 'فاطمة', 'أحمد', 'مريم'],
    localFamily: ['المنصوري', 'الهاشمي', 'السويدي', 'الفلاسي'],
    cities: [{ town: 'Dubai', postCode: '00000' }],
    streets: ['Sheikh Zayed Road', 'Al Wasl Road'],
    idTypes: ['IDCD', 'CCPT'],
  },
  {
    country: 'AU',
    given: ['Jack', 'Olivia', 'William', 'Charlotte'],
    family: ['Smith', 'Jones', 'Williams', 'Brown'],
    cities: [
      { town: 'Sydney', postCode: '2000' },
      { town: 'Melbourne', postCode: '3000' },
    ],
    streets: ['George Street', 'Collins Street'],
    idTypes: ['DRLC', 'CCPT'],
  },
  {
    country: 'UA',
    given: ['Oleksandr', 'Olena', 'Andrii', 'Iryna'],
    family: ['Shevchenko', 'Kovalenko', 'Bondarenko', 'Tkachenko'],
    localGiven: ['Олександр', 'Олена', 'Андрій', 'Ірина'],
    localFamily: ['Шевченко', 'Коваленко', 'Бондаренко', 'Ткаченко'],
    cities: [{ town: 'Kyiv', postCode: '01001' }],
    streets: ['Khreshchatyk'],
    idTypes: ['CCPT', 'IDCD'],
  },
];

export interface Vasp {
  vaspId: string;
  name: string;
  country: string;
  protocol: 'TRP' | 'TRISA' | 'email';
  email: string;
  leiBase: string;
}

// Fictional VASPs; the LEI check digits are computed, so the identifiers are well formed.
export const VASPS: readonly Vasp[] = [
  {
    vaspId: 'vasp-nordkette',
    name: 'Nordkette Digital GmbH',
    country: 'DE',
    protocol: 'TRP',
    email: 'compliance@nordkette.example',
    leiBase: '529900NORDKETTE001',
  },
  {
    vaspId: 'vasp-lumiere',
    name: 'Lumiere Actifs SAS',
    country: 'FR',
    protocol: 'TRISA',
    email: 'kyc@lumiere.example',
    leiBase: '969500LUMIERE00002',
  },
  {
    vaspId: 'vasp-grachten',
    name: 'Grachten Crypto B.V.',
    country: 'NL',
    protocol: 'email',
    email: 'travelrule@grachten.example',
    leiBase: '724500GRACHTEN0003',
  },
  {
    vaspId: 'vasp-hudson',
    name: 'Hudson Ledger LLC',
    country: 'US',
    protocol: 'TRISA',
    email: 'compliance@hudsonledger.example',
    leiBase: '549300HUDSON000004',
  },
  {
    vaspId: 'vasp-thames',
    name: 'Thames Custody Ltd',
    country: 'GB',
    protocol: 'TRP',
    email: 'mlro@thamescustody.example',
    leiBase: '213800THAMES000005',
  },
  {
    vaspId: 'vasp-alpenfirn',
    name: 'Alpenfirn Krypto AG',
    country: 'CH',
    protocol: 'email',
    email: 'compliance@alpenfirn.example',
    leiBase: '506700ALPENFIRN006',
  },
  {
    vaspId: 'vasp-merlion',
    name: 'Merlion Digital Pte Ltd',
    country: 'SG',
    protocol: 'TRISA',
    email: 'compliance@merlion.example',
    leiBase: '254900MERLION00007',
  },
  {
    vaspId: 'vasp-sakura',
    name: 'Sakura Coin KK',
    country: 'JP',
    protocol: 'TRP',
    email: 'travelrule@sakuracoin.example',
    leiBase: '353800SAKURA000008',
  },
  {
    vaspId: 'vasp-hangang',
    name: 'Hangang Exchange Co',
    country: 'KR',
    protocol: 'email',
    email: 'aml@hangang.example',
    leiBase: '988400HANGANG00009',
  },
  {
    vaspId: 'vasp-victoria',
    name: 'Victoria Harbour VA Ltd',
    country: 'HK',
    protocol: 'TRISA',
    email: 'compliance@victoriaharbour.example',
    leiBase: '549300VICTORIA0010',
  },
  {
    vaspId: 'vasp-bosphorus',
    name: 'Bosphorus Kripto A.S.',
    country: 'TR',
    protocol: 'email',
    email: 'uyum@bosphorus.example',
    leiBase: '789000BOSPHORUS011',
  },
  {
    vaspId: 'vasp-maple',
    name: 'Maple Digital Assets Inc',
    country: 'CA',
    protocol: 'TRP',
    email: 'compliance@mapledigital.example',
    leiBase: '549300MAPLE0000012',
  },
  {
    vaspId: 'vasp-creek',
    name: 'Creek Virtual Assets FZE',
    country: 'AE',
    protocol: 'email',
    email: 'compliance@creekva.example',
    leiBase: '984500CREEK0000013',
  },
  {
    vaspId: 'vasp-harbour',
    name: 'Harbour Bridge Crypto Pty Ltd',
    country: 'AU',
    protocol: 'TRISA',
    email: 'aml@harbourbridge.example',
    leiBase: '529900HARBOUR00014',
  },
];

/** Our own exchange, the originator VASP of withdrawals and the beneficiary VASP of deposits. */
export const OUR_VASP = { name: 'Waybill Demo Exchange GmbH', country: 'DE', leiBase: '529900WAYBILLDEMO0' };

export interface AssetSpec {
  asset: string;
  network: string;
  /** Rough EUR price, for a plausible fiat value (decimal string arithmetic is done in cents). */
  eurCents: number;
  decimals: number;
  wallet: 'btc' | 'evm' | 'tron' | 'sol' | 'xrp';
}

export const ASSETS: readonly AssetSpec[] = [
  { asset: 'BTC', network: 'bitcoin', eurCents: 8_500_000, decimals: 8, wallet: 'btc' },
  { asset: 'ETH', network: 'ethereum', eurCents: 310_000, decimals: 8, wallet: 'evm' },
  { asset: 'USDT', network: 'tron', eurCents: 92, decimals: 6, wallet: 'tron' },
  { asset: 'USDT', network: 'ethereum', eurCents: 92, decimals: 6, wallet: 'evm' },
  { asset: 'USDC', network: 'ethereum', eurCents: 92, decimals: 6, wallet: 'evm' },
  { asset: 'USDC', network: 'solana', eurCents: 92, decimals: 6, wallet: 'sol' },
  { asset: 'SOL', network: 'solana', eurCents: 15_000, decimals: 6, wallet: 'sol' },
  { asset: 'XRP', network: 'xrpl', eurCents: 210, decimals: 6, wallet: 'xrp' },
];
