import { formatMoney } from '@betal/contract';

/**
 * The words of the landing page and the customer's app. The landing page speaks English, Norwegian, Danish and
 * Finnish, the languages of the real one (contract 3.15: it has a language choice); the app and the test-user
 * forms speak English and Norwegian. `{name}` marks a value filled in by {@link format}.
 */

/** The languages the landing page speaks. */
export const LANGUAGES = ['en', 'nb', 'da', 'fi'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The languages of the app and the test-user forms (the landing page has all of {@link LANGUAGES}). */
export const APP_LANGUAGES: readonly Language[] = ['en', 'nb'];

/** BCP 47 locale of each language, for money and dates. */
export const LOCALES: Record<Language, string> = { en: 'en-GB', nb: 'nb-NO', da: 'da-DK', fi: 'fi-FI' };

const en = {
  'language.name': 'English',
  'language.label': 'Language',
  'language.apply': 'Change language',
  'landing.title': 'Pay with {brand}',
  'landing.to': 'To',
  'landing.amount': 'Amount',
  'landing.phoneLabel': 'Mobile number',
  'landing.phoneHint': 'Your number, for example 12345678. A number with another country code is fine too.',
  'landing.country': 'Country code',
  'landing.fullNumber': 'The request goes to {phone}.',
  'landing.remember': 'Remember me in this browser',
  'landing.next': 'Next',
  'landing.cancel': 'Cancel payment',
  'landing.refused': "You can't pay this business with {brand}.",
  'landing.refusedHint': 'Check the number, or pay another way.',
  'landing.invalidPhone': 'Enter your mobile number, for example 12345678.',
  'landing.timeToConfirm': 'Time to confirm your number',
  'landing.noscript': 'This page needs JavaScript to send the request to your phone.',
  'waiting.title': 'Open {brand} on your phone',
  'waiting.text': 'We sent the payment request to {phone}. Confirm it in the app.',
  'waiting.timeLeft': 'Time left',
  'expired.title': 'The payment request has expired',
  'expired.text': 'Time ran out before the payment was confirmed.',
  back: 'Back to {merchant}',
  'approved.title': 'Payment approved',
  'aborted.title': 'Payment cancelled',
  'terminated.title': '{merchant} cancelled the payment',
  'final.close': 'You can close this page.',
  'notFound.title': 'This payment link is not valid',
  'notFound.text': 'Check the link, or go back to the shop and start again.',
  'app.title': '{brand} app',
  'app.chooseUser': 'Whose phone is this?',
  'app.chooseUserText': 'Every test user has their own app. Choose one to open it.',
  'app.opening': 'Choose the phone that opens this payment.',
  'app.addUser': 'Add a test user',
  'app.edit': 'Edit',
  'app.editUser': 'Edit {name}',
  'app.noApp': 'App not installed',
  'app.cannotPay': 'Cannot pay businesses',
  'app.switchUser': 'Switch user',
  'app.tabs': 'Sections',
  'app.requests': 'Requests',
  'app.activities': 'Activities',
  'app.history': 'History',
  'app.emptyRequests': 'No payment requests right now.',
  'app.emptyActivities': 'Nothing to pay later.',
  'app.emptyHistory': 'No payments yet.',
  'app.newRequest': 'New payment request from {merchant}',
  'app.open': 'Open',
  'app.pay': 'Pay {amount}',
  'app.reject': 'Reject',
  'app.cancel': 'Cancel',
  'app.cancelQuestion': 'What do you want to do?',
  'app.payLater': "I'll pay later",
  'app.rejectPayment': 'Reject payment',
  'app.goBack': 'Go back',
  'app.back': 'Back',
  'app.seeDetails': 'See details',
  'app.close': 'Close',
  'app.openInBrowser': 'Open in browser',
  'app.order': 'Order',
  'app.total': 'Total',
  'app.vat': 'incl. VAT {amount}',
  'app.shipping': 'Shipping',
  'app.receiptNumber': 'Receipt {number}',
  'app.expiresIn': 'Expires in {time}',
  'app.due': 'Pay by {date}',
  'app.done': 'Done',
  'app.paid': 'You paid {amount} to {merchant}',
  'app.rejected': 'You rejected the payment',
  'app.consentRefused': 'You did not share your information, so the payment was cancelled',
  'app.savedForLater': 'Saved under Activities. Pay by {date}.',
  'app.notInstalled': 'The app is not installed on this phone.',
  'app.notInstalledHint': 'Edit the user to install it, or continue in the browser.',
  'app.continueInBrowser': 'Continue in the browser',
  'app.failed': 'The payment failed: {detail}',
  'app.live': 'Live updates',
  'consent.title': '{merchant} asks for your information',
  'consent.text': 'To pay, you share this with {merchant}:',
  'consent.share': 'Share and continue',
  'consent.refuse': "Don't share",
  'consent.refuseNote': "If you don't share, the payment is cancelled.",
  'terms.title': "{merchant}'s terms",
  'terms.text': 'Before you pay, read and accept the terms of sale and the privacy policy of {merchant}.',
  'terms.termsOfSale': 'Terms of sale',
  'terms.privacyPolicy': 'Privacy policy',
  'terms.accept': 'I accept the terms of sale and the privacy policy',
  'terms.continue': 'Accept and continue',
  'signIn.title': 'Sign in as {name}',
  'signIn.text': 'Enter the PIN of {phone} to open the app.',
  'signIn.pin': 'PIN',
  'signIn.submit': 'Sign in',
  'signIn.signOut': 'Sign out',
  'signIn.invalidPin': 'The PIN is 4 to 8 digits.',
  'signIn.failed': 'Wrong PIN. Try again.',
  'signIn.locked': 'Too many wrong PINs. Wait a few minutes and try again.',
  'signIn.adminOnly': 'Only the administrator can manage test users here',
  'signIn.adminOnlyText': 'Outside dev mode, test users are managed over the API with the admin token.',
  'refusal.age': 'You must be at least {age} years old to pay this.',
  'refusal.cannotPay': "You can't pay businesses with this account.",
  'state.AUTHORIZED': 'Approved',
  'state.ABORTED': 'Rejected',
  'state.EXPIRED': 'Expired',
  'state.TERMINATED': 'Cancelled by the merchant',
  'state.CREATED': 'Waiting',
  'state.CONSENT_REFUSED': 'Cancelled: not shared',
  'history.captured': 'Charged {amount}',
  'history.refunded': 'Refunded {amount}',
  'scope.name': 'Name',
  'scope.address': 'Address',
  'scope.email': 'Email',
  'scope.phoneNumber': 'Phone number',
  'scope.birthDate': 'Birth date',
  'scope.nin': 'National identity number',
  'users.new': 'New test user',
  'users.edit': 'Edit test user',
  'users.phoneNumber': 'Phone number',
  'users.name': 'Name',
  'users.email': 'Email',
  'users.streetAddress': 'Street address',
  'users.postalCode': 'Postal code',
  'users.city': 'City',
  'users.country': 'Country (two letters)',
  'users.birthDate': 'Birth date',
  'users.nin': 'National identity number',
  'users.market': 'Market',
  'users.canPayBusinesses': 'May pay businesses',
  'users.appInstalled': 'The app is installed',
  'users.save': 'Save',
  'users.delete': 'Delete user',
  'users.confirmDelete': 'Delete {name} for good?',
  'users.yesDelete': 'Yes, delete',
  'users.keep': 'Keep',
  'users.cancel': 'Cancel',
  'users.optional': 'optional',
};

/** The keys of the dictionary. */
export type MessageKey = keyof typeof en;

const nb: Record<MessageKey, string> = {
  'language.name': 'Norsk',
  'language.label': 'Språk',
  'language.apply': 'Bytt språk',
  'landing.title': 'Betal med {brand}',
  'landing.to': 'Til',
  'landing.amount': 'Beløp',
  'landing.phoneLabel': 'Mobilnummer',
  'landing.phoneHint': 'Nummeret ditt, for eksempel 12345678. Et nummer med en annen landskode går også.',
  'landing.country': 'Landskode',
  'landing.fullNumber': 'Forespørselen går til {phone}.',
  'landing.remember': 'Husk meg i denne nettleseren',
  'landing.next': 'Neste',
  'landing.cancel': 'Avbryt betalingen',
  'landing.refused': 'Du kan ikke betale til denne bedriften med {brand}.',
  'landing.refusedHint': 'Sjekk nummeret, eller betal på en annen måte.',
  'landing.invalidPhone': 'Skriv inn mobilnummeret ditt, for eksempel 12345678.',
  'landing.timeToConfirm': 'Tid til å bekrefte nummeret',
  'landing.noscript': 'Denne siden trenger JavaScript for å sende forespørselen til telefonen din.',
  'waiting.title': 'Åpne {brand} på telefonen',
  'waiting.text': 'Vi har sendt betalingsforespørselen til {phone}. Bekreft den i appen.',
  'waiting.timeLeft': 'Tid igjen',
  'expired.title': 'Betalingsforespørselen er utløpt',
  'expired.text': 'Tiden gikk ut før betalingen ble bekreftet.',
  back: 'Tilbake til {merchant}',
  'approved.title': 'Betalingen er godkjent',
  'aborted.title': 'Betalingen er avbrutt',
  'terminated.title': '{merchant} har avbrutt betalingen',
  'final.close': 'Du kan lukke denne siden.',
  'notFound.title': 'Denne betalingslenken er ikke gyldig',
  'notFound.text': 'Sjekk lenken, eller gå tilbake til butikken og start på nytt.',
  'app.title': '{brand}-appen',
  'app.chooseUser': 'Hvem sin telefon er dette?',
  'app.chooseUserText': 'Hver testbruker har sin egen app. Velg en for å åpne den.',
  'app.opening': 'Velg telefonen som åpner denne betalingen.',
  'app.addUser': 'Legg til en testbruker',
  'app.edit': 'Endre',
  'app.editUser': 'Endre {name}',
  'app.noApp': 'Appen er ikke installert',
  'app.cannotPay': 'Kan ikke betale bedrifter',
  'app.switchUser': 'Bytt bruker',
  'app.tabs': 'Deler',
  'app.requests': 'Forespørsler',
  'app.activities': 'Aktiviteter',
  'app.history': 'Historikk',
  'app.emptyRequests': 'Ingen betalingsforespørsler akkurat nå.',
  'app.emptyActivities': 'Ingenting å betale senere.',
  'app.emptyHistory': 'Ingen betalinger ennå.',
  'app.newRequest': 'Ny betalingsforespørsel fra {merchant}',
  'app.open': 'Åpne',
  'app.pay': 'Betal {amount}',
  'app.reject': 'Avvis',
  'app.cancel': 'Avbryt',
  'app.cancelQuestion': 'Hva vil du gjøre?',
  'app.payLater': 'Jeg betaler senere',
  'app.rejectPayment': 'Avvis betalingen',
  'app.goBack': 'Gå tilbake',
  'app.back': 'Tilbake',
  'app.seeDetails': 'Se detaljer',
  'app.close': 'Lukk',
  'app.openInBrowser': 'Åpne i nettleseren',
  'app.order': 'Ordre',
  'app.total': 'Totalt',
  'app.vat': 'inkl. mva. {amount}',
  'app.shipping': 'Frakt',
  'app.receiptNumber': 'Kvittering {number}',
  'app.expiresIn': 'Utløper om {time}',
  'app.due': 'Betal innen {date}',
  'app.done': 'Ferdig',
  'app.paid': 'Du betalte {amount} til {merchant}',
  'app.rejected': 'Du avviste betalingen',
  'app.consentRefused': 'Du delte ikke informasjonen din, så betalingen ble avbrutt',
  'app.savedForLater': 'Lagret under Aktiviteter. Betal innen {date}.',
  'app.notInstalled': 'Appen er ikke installert på denne telefonen.',
  'app.notInstalledHint': 'Endre brukeren for å installere den, eller fortsett i nettleseren.',
  'app.continueInBrowser': 'Fortsett i nettleseren',
  'app.failed': 'Betalingen feilet: {detail}',
  'app.live': 'Direkte oppdateringer',
  'consent.title': '{merchant} ber om informasjonen din',
  'consent.text': 'For å betale deler du dette med {merchant}:',
  'consent.share': 'Del og fortsett',
  'consent.refuse': 'Ikke del',
  'consent.refuseNote': 'Hvis du ikke deler, avbrytes betalingen.',
  'terms.title': 'Vilkårene til {merchant}',
  'terms.text': 'Før du betaler, les og godta salgsbetingelsene og personvernerklæringen til {merchant}.',
  'terms.termsOfSale': 'Salgsbetingelser',
  'terms.privacyPolicy': 'Personvernerklæring',
  'terms.accept': 'Jeg godtar salgsbetingelsene og personvernerklæringen',
  'terms.continue': 'Godta og fortsett',
  'signIn.title': 'Logg inn som {name}',
  'signIn.text': 'Skriv inn PIN-koden til {phone} for å åpne appen.',
  'signIn.pin': 'PIN-kode',
  'signIn.submit': 'Logg inn',
  'signIn.signOut': 'Logg ut',
  'signIn.invalidPin': 'PIN-koden er 4 til 8 sifre.',
  'signIn.failed': 'Feil PIN-kode. Prøv igjen.',
  'signIn.locked': 'For mange feil PIN-koder. Vent noen minutter og prøv igjen.',
  'signIn.adminOnly': 'Bare administratoren kan endre testbrukere her',
  'signIn.adminOnlyText': 'Utenfor utviklingsmodus endres testbrukere over API-et med admin-tokenet.',
  'refusal.age': 'Du må være minst {age} år for å betale dette.',
  'refusal.cannotPay': 'Du kan ikke betale bedrifter med denne kontoen.',
  'state.AUTHORIZED': 'Godkjent',
  'state.ABORTED': 'Avvist',
  'state.EXPIRED': 'Utløpt',
  'state.TERMINATED': 'Avbrutt av bedriften',
  'state.CREATED': 'Venter',
  'state.CONSENT_REFUSED': 'Avbrutt: ikke delt',
  'history.captured': 'Trukket {amount}',
  'history.refunded': 'Refundert {amount}',
  'scope.name': 'Navn',
  'scope.address': 'Adresse',
  'scope.email': 'E-post',
  'scope.phoneNumber': 'Telefonnummer',
  'scope.birthDate': 'Fødselsdato',
  'scope.nin': 'Fødselsnummer',
  'users.new': 'Ny testbruker',
  'users.edit': 'Endre testbruker',
  'users.phoneNumber': 'Telefonnummer',
  'users.name': 'Navn',
  'users.email': 'E-post',
  'users.streetAddress': 'Gateadresse',
  'users.postalCode': 'Postnummer',
  'users.city': 'Sted',
  'users.country': 'Land (to bokstaver)',
  'users.birthDate': 'Fødselsdato',
  'users.nin': 'Fødselsnummer',
  'users.market': 'Marked',
  'users.canPayBusinesses': 'Kan betale bedrifter',
  'users.appInstalled': 'Appen er installert',
  'users.save': 'Lagre',
  'users.delete': 'Slett brukeren',
  'users.confirmDelete': 'Slette {name} for godt?',
  'users.yesDelete': 'Ja, slett',
  'users.keep': 'Behold',
  'users.cancel': 'Avbryt',
  'users.optional': 'valgfritt',
};

/** Danish: the landing page (the app's words fall back to English). */
const da: Record<MessageKey, string> = {
  ...en,
  'language.name': 'Dansk',
  'language.label': 'Sprog',
  'language.apply': 'Skift sprog',
  'landing.title': 'Betal med {brand}',
  'landing.to': 'Til',
  'landing.amount': 'Beløb',
  'landing.phoneLabel': 'Mobilnummer',
  'landing.phoneHint': 'Dit nummer, for eksempel 12345678. Et nummer med en anden landekode går også.',
  'landing.country': 'Landekode',
  'landing.fullNumber': 'Anmodningen sendes til {phone}.',
  'landing.remember': 'Husk mig i denne browser',
  'landing.next': 'Næste',
  'landing.cancel': 'Annuller betaling',
  'landing.refused': 'Du kan ikke betale til denne virksomhed med {brand}.',
  'landing.refusedHint': 'Tjek nummeret, eller betal på en anden måde.',
  'landing.invalidPhone': 'Indtast dit mobilnummer, for eksempel 12345678.',
  'landing.timeToConfirm': 'Tid til at bekræfte dit nummer',
  'landing.noscript': 'Siden skal bruge JavaScript for at sende anmodningen til din telefon.',
  'waiting.title': 'Åbn {brand} på din telefon',
  'waiting.text': 'Vi har sendt betalingsanmodningen til {phone}. Bekræft den i appen.',
  'waiting.timeLeft': 'Tid tilbage',
  'expired.title': 'Betalingsanmodningen er udløbet',
  'expired.text': 'Tiden løb ud, før betalingen blev bekræftet.',
  back: 'Tilbage til {merchant}',
  'approved.title': 'Betalingen er godkendt',
  'aborted.title': 'Betalingen er annulleret',
  'terminated.title': '{merchant} har annulleret betalingen',
  'final.close': 'Du kan lukke siden.',
  'notFound.title': 'Betalingslinket er ikke gyldigt',
  'notFound.text': 'Tjek linket, eller gå tilbage til butikken og start forfra.',
};

/** Finnish: the landing page (the app's words fall back to English). */
const fi: Record<MessageKey, string> = {
  ...en,
  'language.name': 'Suomi',
  'language.label': 'Kieli',
  'language.apply': 'Vaihda kieli',
  'landing.title': 'Maksa {brand}-sovelluksella',
  'landing.to': 'Saaja',
  'landing.amount': 'Summa',
  'landing.phoneLabel': 'Matkapuhelinnumero',
  'landing.phoneHint': 'Numerosi, esimerkiksi 0401234567. Myös toisen maan maatunnuksella käy.',
  'landing.country': 'Maatunnus',
  'landing.fullNumber': 'Pyyntö lähetetään numeroon {phone}.',
  'landing.remember': 'Muista minut tässä selaimessa',
  'landing.next': 'Seuraava',
  'landing.cancel': 'Peruuta maksu',
  'landing.refused': 'Et voi maksaa tälle yritykselle {brand}-sovelluksella.',
  'landing.refusedHint': 'Tarkista numero tai maksa muulla tavalla.',
  'landing.invalidPhone': 'Anna matkapuhelinnumerosi, esimerkiksi 0401234567.',
  'landing.timeToConfirm': 'Aikaa vahvistaa numerosi',
  'landing.noscript': 'Sivu tarvitsee JavaScriptin lähettääkseen pyynnön puhelimeesi.',
  'waiting.title': 'Avaa {brand} puhelimessasi',
  'waiting.text': 'Lähetimme maksupyynnön numeroon {phone}. Vahvista se sovelluksessa.',
  'waiting.timeLeft': 'Aikaa jäljellä',
  'expired.title': 'Maksupyyntö on vanhentunut',
  'expired.text': 'Aika loppui ennen kuin maksu vahvistettiin.',
  back: 'Takaisin: {merchant}',
  'approved.title': 'Maksu hyväksytty',
  'aborted.title': 'Maksu peruutettu',
  'terminated.title': '{merchant} peruutti maksun',
  'final.close': 'Voit sulkea tämän sivun.',
  'notFound.title': 'Maksulinkki ei ole voimassa',
  'notFound.text': 'Tarkista linkki tai palaa kauppaan ja aloita alusta.',
};

/** The dictionary of each language. */
export const MESSAGES: Record<Language, Record<MessageKey, string>> = { en, nb, da, fi };

/** Fills `{name}` placeholders of a message. Unknown placeholders stay as they are. */
export function format(message: string, values: Record<string, string | number> = {}): string {
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    values[name] !== undefined ? String(values[name]) : whole,
  );
}

/** A translator for one language: `t('landing.next')`, `t('back', {merchant})`. */
export function translator(
  language: Language,
): (key: MessageKey, values?: Record<string, string | number>) => string {
  return (key, values) => format(MESSAGES[language][key], values);
}

/** Where a request's language came from: an explicit choice, the browser's languages, the market, or none. */
export type LanguageSource = 'choice' | 'browser' | 'market' | 'default';

/** The language each market speaks (Sweden has none on the landing page: English by default). */
const MARKET_LANGUAGE: Record<string, Language> = { NO: 'nb', DK: 'da', FI: 'fi' };

/**
 * A language tag as one of `allowed`, if it is one: `nb`, `no` and `nn` are Norwegian, `da` Danish, `fi` Finnish,
 * `en` English; a region (`da-DK`) is ignored.
 */
export function knownLanguage(
  tag: string | undefined,
  allowed: readonly Language[] = LANGUAGES,
): Language | undefined {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  const lang = base === 'no' || base === 'nn' ? 'nb' : base;
  return (allowed as readonly string[]).includes(lang ?? '') ? (lang as Language) : undefined;
}

/**
 * The language of a request and where it came from: `?lang=` first, then the `betal_lang` cookie (a choice made
 * on a page), then the first known language of Accept-Language (the browser's settings), then the language of the
 * merchant's market (NO Norwegian, DK Danish, FI Finnish), else English. Only `allowed` languages are chosen.
 */
export function chooseLanguage(
  query: string | undefined,
  cookie: string | undefined,
  acceptLanguage: string | undefined,
  market?: string,
  allowed: readonly Language[] = LANGUAGES,
): { language: Language; source: LanguageSource } {
  const chosen = knownLanguage(query, allowed) ?? knownLanguage(cookie, allowed);
  if (chosen) return { language: chosen, source: 'choice' };
  for (const part of (acceptLanguage ?? '').split(',')) {
    const lang = knownLanguage(part.split(';')[0], allowed);
    if (lang) return { language: lang, source: 'browser' };
  }
  const ofMarket = market ? MARKET_LANGUAGE[market] : undefined;
  if (ofMarket && allowed.includes(ofMarket)) return { language: ofMarket, source: 'market' };
  return { language: 'en', source: 'default' };
}

/** The language of a request (see {@link chooseLanguage}), without where it came from. */
export function pickLanguage(
  query: string | undefined,
  cookie: string | undefined,
  acceptLanguage: string | undefined,
  market?: string,
  allowed: readonly Language[] = LANGUAGES,
): Language {
  return chooseLanguage(query, cookie, acceptLanguage, market, allowed).language;
}

/**
 * A sum of minor units as money in a language, e.g. `NOK 1,000.50` (en) or `1 000,50 kr` (nb): the one amount
 * format of Betal's pages (`formatMoney` of the contract package, Intl.NumberFormat with the language's locale).
 * app.js formats the same way in the browser with the `locale` of its config.
 */
export function money(language: Language, currency: string, minorUnits: number): string {
  return formatMoney(minorUnits, currency, LOCALES[language]);
}
