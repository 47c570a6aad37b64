/**
 * The officer page's own chrome (title, buttons, what the list update says), in the six languages of
 * the shared catalogue. Everything about a certificate, a verdict, an error code or a trust list
 * comes from the catalogue (core/view, in the verify bundle): there is no second copy of those
 * words here. Keys and placeholders as in `en` (test/miniprogram/verify.test.ts checks).
 */
import type { Lang } from './lib/ithc-verify';

const en = {
  title: 'Verify a certificate',
  intro: "For airline and border staff: scan the traveller's QR code; the signature is checked on this phone, offline.",
  language: 'Language',
  scan: 'Scan to verify',
  scanAgain: 'Scan next',
  scanCancelled: 'Scanning cancelled',
  paste: 'If scanning fails, paste the code instead',
  pastePlaceholder: 'Text starting with ITHC1:, ITHCS1: or HC1:',
  check: 'Verify',
  details: 'Details',
  trustTitle: 'Signed lists',
  trustUpdate: 'Update list',
  trustUpdated: 'Trust list updated',
  trustNoAnchor: 'This build has no CSCA certificate pinned: it cannot check a trust list.',
  trustSavedInvalid: 'The saved list does not verify against the pinned CSCA: connect and update.',
  trustRefused: 'The downloaded list does not verify against the pinned CSCA: refused.',
  trustClock: "The list was issued later than this phone's time: check the phone's clock.",
  updateOffline: 'No connection: the list was not updated.',
  updateFailed: 'The list could not be updated ({code}).',
  sourcesNone: 'No source list yet: a laboratory or vaccination site a certificate gives by code is shown by its code.',
  sourcesSavedInvalid:
    'The saved source list does not verify against the pinned CSCA: laboratories and vaccination sites given by code are shown by their code until it is updated.',
  sourcesRefused: 'The downloaded source list does not verify against the pinned CSCA: refused.',
  sourcesOlder:
    'Refused: this source list (version {incoming}) is older than the one in use (version {inUse}); an older list could vouch again for a laboratory or vaccination site removed since.',
  sourcesFailed: 'The source list could not be updated ({code}).',
  loading: 'Loading…',
} as const;

export type ChromeKey = keyof typeof en;
export type Chrome = Readonly<Record<ChromeKey, string>>;

const zh: Chrome = {
  title: '查验证明',
  intro: '供航空公司和边检人员使用：扫描旅客的二维码，在本机离线核验签名。',
  language: '语言',
  scan: '扫码核验',
  scanAgain: '扫描下一个',
  scanCancelled: '已取消扫码',
  paste: '扫码失败时，可粘贴二维码内容',
  pastePlaceholder: '以 ITHC1:、ITHCS1: 或 HC1: 开头的文本',
  check: '核验',
  details: '详细信息',
  trustTitle: '签名列表',
  trustUpdate: '更新列表',
  trustUpdated: '信任列表已更新',
  trustNoAnchor: '此版本未内置 CSCA 证书，无法核验信任列表。',
  trustSavedInvalid: '已保存的列表未通过内置 CSCA 的核验，请联网更新。',
  trustRefused: '下载的列表未通过内置 CSCA 的核验，已拒收。',
  trustClock: '列表的签发时间晚于本机时间，请检查手机时钟。',
  updateOffline: '无网络连接，列表未更新。',
  updateFailed: '列表未能更新（{code}）。',
  sourcesNone: '尚无机构列表：证明中以编码给出的检测机构或接种单位将显示其编码。',
  sourcesSavedInvalid: '已保存的机构列表未通过内置 CSCA 的核验：更新前，以编码给出的检测机构和接种单位将显示其编码。',
  sourcesRefused: '下载的机构列表未通过内置 CSCA 的核验，已拒收。',
  sourcesOlder: '已拒收：此机构列表（版本 {incoming}）早于正在使用的列表（版本 {inUse}）；旧列表可能为此后已除名的检测机构或接种单位重新作保。',
  sourcesFailed: '机构列表未能更新（{code}）。',
  loading: '加载中',
};

const fr: Chrome = {
  title: 'Vérifier un certificat',
  intro:
    'Pour le personnel des compagnies aériennes et des frontières : scannez le code QR du voyageur ; la signature est vérifiée sur ce téléphone, hors ligne.',
  language: 'Langue',
  scan: 'Scanner pour vérifier',
  scanAgain: 'Scanner le suivant',
  scanCancelled: 'Scan annulé',
  paste: 'Si le scan échoue, collez le code',
  pastePlaceholder: 'Texte commençant par ITHC1:, ITHCS1: ou HC1:',
  check: 'Vérifier',
  details: 'Détails',
  trustTitle: 'Listes signées',
  trustUpdate: 'Mettre à jour la liste',
  trustUpdated: 'Liste de confiance mise à jour',
  trustNoAnchor: 'Cette version n’embarque aucun certificat CSCA : elle ne peut pas vérifier de liste de confiance.',
  trustSavedInvalid: 'La liste enregistrée ne se vérifie pas avec le CSCA embarqué : connectez-vous et mettez-la à jour.',
  trustRefused: 'La liste téléchargée ne se vérifie pas avec le CSCA embarqué : refusée.',
  trustClock: 'La liste a été émise après l’heure de ce téléphone : vérifiez l’horloge du téléphone.',
  updateOffline: 'Pas de connexion : la liste n’a pas été mise à jour.',
  updateFailed: 'La liste n’a pas pu être mise à jour ({code}).',
  sourcesNone: 'Pas encore de liste des sources : un laboratoire ou un centre de vaccination qu’un certificat donne par son code est affiché par son code.',
  sourcesSavedInvalid:
    'La liste des sources enregistrée ne se vérifie pas avec le CSCA embarqué : les laboratoires et centres de vaccination donnés par code sont affichés par leur code jusqu’à sa mise à jour.',
  sourcesRefused: 'La liste des sources téléchargée ne se vérifie pas avec le CSCA embarqué : refusée.',
  sourcesOlder:
    'Refusée : cette liste des sources (version {incoming}) est plus ancienne que celle en usage (version {inUse}) ; une liste plus ancienne pourrait cautionner de nouveau un laboratoire ou un centre de vaccination retiré depuis.',
  sourcesFailed: 'La liste des sources n’a pas pu être mise à jour ({code}).',
  loading: 'Chargement…',
};

const es: Chrome = {
  title: 'Verificar un certificado',
  intro: 'Para el personal de aerolíneas y fronteras: escanee el código QR del viajero; la firma se comprueba en este teléfono, sin conexión.',
  language: 'Idioma',
  scan: 'Escanear para verificar',
  scanAgain: 'Escanear el siguiente',
  scanCancelled: 'Escaneo cancelado',
  paste: 'Si el escaneo falla, pegue el código',
  pastePlaceholder: 'Texto que empieza por ITHC1:, ITHCS1: o HC1:',
  check: 'Verificar',
  details: 'Detalles',
  trustTitle: 'Listas firmadas',
  trustUpdate: 'Actualizar la lista',
  trustUpdated: 'Lista de confianza actualizada',
  trustNoAnchor: 'Esta versión no incluye ningún certificado CSCA: no puede comprobar una lista de confianza.',
  trustSavedInvalid: 'La lista guardada no se verifica con el CSCA incluido: conéctese y actualícela.',
  trustRefused: 'La lista descargada no se verifica con el CSCA incluido: rechazada.',
  trustClock: 'La lista se emitió después de la hora de este teléfono: compruebe el reloj del teléfono.',
  updateOffline: 'Sin conexión: la lista no se actualizó.',
  updateFailed: 'No se pudo actualizar la lista ({code}).',
  sourcesNone: 'Aún no hay lista de fuentes: un laboratorio o centro de vacunación que un certificado da por su código se muestra con su código.',
  sourcesSavedInvalid:
    'La lista de fuentes guardada no se verifica con el CSCA incluido: los laboratorios y centros de vacunación dados por código se muestran con su código hasta que se actualice.',
  sourcesRefused: 'La lista de fuentes descargada no se verifica con el CSCA incluido: rechazada.',
  sourcesOlder:
    'Rechazada: esta lista de fuentes (versión {incoming}) es más antigua que la que está en uso (versión {inUse}); una lista más antigua podría volver a avalar un laboratorio o centro de vacunación retirado desde entonces.',
  sourcesFailed: 'No se pudo actualizar la lista de fuentes ({code}).',
  loading: 'Cargando…',
};

const ru: Chrome = {
  title: 'Проверка сертификата',
  intro: 'Для сотрудников авиакомпаний и пограничных служб: отсканируйте QR-код путешественника; подпись проверяется на этом телефоне без подключения к сети.',
  language: 'Язык',
  scan: 'Сканировать и проверить',
  scanAgain: 'Сканировать следующий',
  scanCancelled: 'Сканирование отменено',
  paste: 'Если сканирование не удалось, вставьте код',
  pastePlaceholder: 'Текст, начинающийся с ITHC1:, ITHCS1: или HC1:',
  check: 'Проверить',
  details: 'Подробности',
  trustTitle: 'Подписанные списки',
  trustUpdate: 'Обновить список',
  trustUpdated: 'Список доверия обновлён',
  trustNoAnchor: 'В эту сборку не встроен сертификат CSCA: проверить список доверия невозможно.',
  trustSavedInvalid: 'Сохранённый список не проходит проверку встроенным CSCA: подключитесь к сети и обновите его.',
  trustRefused: 'Загруженный список не проходит проверку встроенным CSCA: отклонён.',
  trustClock: 'Список выпущен позже, чем показывают часы этого телефона: проверьте время на телефоне.',
  updateOffline: 'Нет подключения: список не обновлён.',
  updateFailed: 'Не удалось обновить список ({code}).',
  sourcesNone: 'Списка источников пока нет: лаборатория или пункт вакцинации, указанные в сертификате кодом, показываются кодом.',
  sourcesSavedInvalid:
    'Сохранённый список источников не проходит проверку встроенным CSCA: до его обновления лаборатории и пункты вакцинации, указанные кодом, показываются кодом.',
  sourcesRefused: 'Загруженный список источников не проходит проверку встроенным CSCA: отклонён.',
  sourcesOlder:
    'Отклонено: этот список источников (версия {incoming}) старше используемого (версия {inUse}); старый список мог бы снова поручиться за лабораторию или пункт вакцинации, исключённые с тех пор.',
  sourcesFailed: 'Не удалось обновить список источников ({code}).',
  loading: 'Загрузка…',
};

const ar: Chrome = {
  title: 'التحقق من شهادة',
  intro: 'لموظفي شركات الطيران والحدود: امسح رمز QR الخاص بالمسافر؛ يُتحقَّق من التوقيع على هذا الهاتف دون اتصال.',
  language: 'اللغة',
  scan: 'امسح للتحقق',
  scanAgain: 'امسح التالي',
  scanCancelled: 'أُلغي المسح',
  paste: 'إذا تعذّر المسح، الصق الرمز',
  pastePlaceholder: 'نص يبدأ بـ ITHC1: أو ITHCS1: أو HC1:',
  check: 'تحقّق',
  details: 'التفاصيل',
  trustTitle: 'القوائم الموقّعة',
  trustUpdate: 'تحديث القائمة',
  trustUpdated: 'حُدّثت قائمة الثقة',
  trustNoAnchor: 'لا تتضمن هذه النسخة شهادة CSCA: لا يمكنها التحقق من قائمة ثقة.',
  trustSavedInvalid: 'القائمة المحفوظة لا تجتاز التحقق بشهادة CSCA المضمّنة: اتصل بالشبكة وحدّثها.',
  trustRefused: 'القائمة التي نُزّلت لا تجتاز التحقق بشهادة CSCA المضمّنة: رُفضت.',
  trustClock: 'صدرت القائمة بعد الوقت الذي يشير إليه هذا الهاتف: تحقّق من ساعة الهاتف.',
  updateOffline: 'لا يوجد اتصال: لم تُحدَّث القائمة.',
  updateFailed: 'تعذّر تحديث القائمة ({code}).',
  sourcesNone: 'لا توجد قائمة مصادر بعد: يُعرض المختبر أو مركز التطعيم الذي تذكره الشهادة برمزه بذلك الرمز.',
  sourcesSavedInvalid: 'قائمة المصادر المحفوظة لا تجتاز التحقق بشهادة CSCA المضمّنة: تُعرض المختبرات ومراكز التطعيم المذكورة برموزها بتلك الرموز إلى أن تُحدَّث.',
  sourcesRefused: 'قائمة المصادر التي نُزّلت لا تجتاز التحقق بشهادة CSCA المضمّنة: رُفضت.',
  sourcesOlder:
    'رُفضت: قائمة المصادر هذه (الإصدار {incoming}) أقدم من المستخدمة (الإصدار {inUse})؛ فقد تعود قائمة أقدم لتزكية مختبر أو مركز تطعيم أُزيل منذ ذلك الحين.',
  sourcesFailed: 'تعذّر تحديث قائمة المصادر ({code}).',
  loading: 'جارٍ التحميل…',
};

export const CHROME: Readonly<Record<Lang, Chrome>> = Object.freeze({ ar, zh, en, fr, ru, es });

/** A chrome string in `lang`, its {placeholders} filled; one without its parameter stays visible. */
export function chrome(lang: Lang, key: ChromeKey, params: Readonly<Record<string, string | number>> = {}): string {
  return CHROME[lang][key].replace(/\{(\w+)\}/g, (whole, k: string) => (Object.prototype.hasOwnProperty.call(params, k) ? String(params[k]) : whole));
}
