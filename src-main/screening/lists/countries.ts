import countries from 'i18n-iso-countries';

/** Lists name countries in English prose; map what we can to ISO alpha-2. */
export function countryCode(name: string | undefined | null): string | null {
  if (!name) return null;
  const n = name.trim();
  if (/^[A-Z]{2}$/.test(n)) return n;
  const aliases = new Map<string, string>(
    Object.entries({
      Russia: 'RU',
      Iran: 'IR',
      Syria: 'SY',
      'North Korea': 'KP',
      'Korea, North': 'KP',
      'South Korea': 'KR',
      'Korea, South': 'KR',
      Burma: 'MM',
      Venezuela: 'VE',
      Bolivia: 'BO',
      Tanzania: 'TZ',
      Moldova: 'MD',
      Laos: 'LA',
      Vietnam: 'VN',
      Turkey: 'TR',
      Türkiye: 'TR',
      'United Kingdom': 'GB',
      'United States': 'US',
      'Congo, Democratic Republic of the': 'CD',
      'Democratic Republic of the Congo': 'CD',
      Palestinian: 'PS',
      'West Bank': 'PS',
      Gaza: 'PS',
      Kosovo: 'XK',
      Macau: 'MO',
      'Hong Kong': 'HK',
      Taiwan: 'TW',
      'Czech Republic': 'CZ',
    }),
  );
  return aliases.get(n) ?? countries.getAlpha2Code(n, 'en') ?? null;
}
