# Textos de Assent en español.
date-format = %-d de %B de %Y
date-time-format = %-d de %B de %Y, %H:%M %Z

## Shell
skip-to-content = Ir al contenido
language = Idioma
language-change = Cambiar idioma
page-suffix = Assent

## Home
home-title = Inicio
home-lead = La pantalla de consentimiento de su servidor de autorización: muestra a las personas exactamente lo que pide una aplicación, les permite conceder todo, una parte o nada, y respeta su decisión.
home-issuer = Servidor de autorización:
home-portal-link = Revisar las aplicaciones a las que dio acceso
home-console-link = Personal del banco: la consola de registros de consentimiento
home-demo-link = Abrir la aplicación de demostración del sandbox
home-demo-hint = Inicie sesión como user, user2 … user12 con la contraseña p@ssword!
home-fdx-demo-link = Abrir el destinatario de datos Open Finance del sandbox
home-aggregator-link = Abrir el agregador de cuentas del sandbox (conecta todos los bancos del sandbox)

## Consent screen
consent-page-title = Solicitud de consentimiento
consent-title = { $client } quiere acceder a su cuenta
consent-signed-in = Sesión iniciada como { $user }
consent-asks = Solicita:
consent-also-receive = También recibirá:
# The standard OpenID Connect claims (Core §5.1) a request may ask for, as the screen names them; others show as the request names them.
claim-name = su nombre completo
claim-given_name = su nombre
claim-family_name = sus apellidos
claim-middle_name = su segundo nombre
claim-nickname = su apodo
claim-preferred_username = su nombre de usuario
claim-profile = su página de perfil
claim-picture = su foto
claim-website = su sitio web
claim-email = su correo electrónico
claim-email_verified = si su correo electrónico está verificado
claim-gender = su género
claim-birthdate = su fecha de nacimiento
claim-zoneinfo = su zona horaria
claim-locale = su idioma y región
claim-phone_number = su número de teléfono
claim-phone_number_verified = si su número de teléfono está verificado
claim-address = su dirección postal
claim-updated_at = cuándo se actualizó su perfil por última vez
consent-change-mind = Puede cambiar de opinión en cualquier momento: revoque este acceso desde la página de su cuenta.
consent-required = (necesario para iniciar sesión)
consent-about-app = Acerca de esta aplicación
consent-unverified-title = Compruebe que fue usted quien lo inició
consent-unverified-device = Esta aplicación recibe su respuesta en este dispositivo ({ $where }), no en un sitio web: nadie ha comprobado que sea lo que dice ser. Continúe solo si lo inició usted.
consent-unverified-app = Esta aplicación recibe su respuesta en una aplicación de este dispositivo, que se identifica como { $where }, no en un sitio web: nadie ha comprobado que sea lo que dice ser. Continúe solo si lo inició usted.
consent-unverified-unencrypted = Esta aplicación recibe su respuesta en { $where } por una conexión sin cifrar: nadie ha comprobado que sea lo que dice ser y otras personas de su red podrían leerla. Continúe solo si confía en ella.
consent-unverified-unreadable = Esta aplicación recibe su respuesta en una dirección que no es la de un sitio web: nadie ha comprobado que sea lo que dice ser. Continúe solo si lo inició usted.
consent-nothing = Nada que mostrar
consent-nothing-lead = Abra esta página desde la aplicación en la que está iniciando sesión.
consent-select-one = Seleccione al menos un permiso para permitir, o elija Rechazar.
consent-accounts-without-permission = Eligió cuentas, pero no el permiso que las comparte. Marque ese permiso o desmarque las cuentas.
link-website = Sitio web
link-policy = Política de privacidad
link-terms = Términos del servicio
other-permissions = Otros permisos
allow = Permitir
deny = Rechazar

## Portal
portal-title = Sus aplicaciones conectadas
portal-lead = Vea cada aplicación a la que permitió acceder a su cuenta, lo que puede hacer cada una, y retire el acceso cuando quiera.
sign-in = Iniciar sesión
sign-out = Cerrar sesión
portal-signed-in = Sesión iniciada como { $user }
portal-filter-label = Filtrar por nombre
portal-filter = Filtrar
portal-empty = Ninguna aplicación tiene acceso a su cuenta. Cuando permita una, aparecerá aquí.
portal-no-match = Ninguna aplicación coincide con este filtro.
portal-apps-label = Aplicaciones con acceso
portal-active = Activo
portal-granted = Acceso concedido el { $date }
portal-can = Puede:
portal-receives = Recibe:
portal-revoke = Revocar acceso
portal-revoke-label = Revocar acceso de { $client }
portal-revoked = Acceso revocado. La aplicación ya no puede usar su cuenta.
revoke-page-title = Revocar acceso
stop-page-title = Dejar de compartir
revoke-title = ¿Revocar el acceso de { $client }?
revoke-loses = { $client } pierde de inmediato el acceso a su cuenta y sus tokens de inicio de sesión dejan de funcionar.
revoke-data = Es posible que aún conserve datos que obtuvo antes; pida a la aplicación que los elimine si lo desea.
revoke-again = Puede volver a permitirla más adelante iniciando sesión en ella.
revoke-nothing = Nada que revocar.
cancel = Cancelar

## Error pages
error-status = Error { $status }
error-request-id = Id. de solicitud
error-home = Ir a la página de inicio
error-portal = Abrir el portal
error-console = Abrir la consola del personal
not-found-title = Página no encontrada
not-found-message = No hay nada en esta dirección.
link-incomplete-title = Este enlace está incompleto
link-incomplete-message = Una página de consentimiento necesita el login_id y el login_state que añade el servidor de autorización. Vuelva a la aplicación e inicie sesión de nuevo.
link-invalid-title = Este enlace no es válido
link-invalid-message = Sus parámetros están mal formados. Vuelva a la aplicación e inicie sesión de nuevo.
consent-type-title = Este tipo de consentimiento no se ofrece aquí
consent-type-message = La aplicación pidió un tipo de consentimiento que esta pantalla de consentimiento no gestiona. Vuelva a la aplicación.
flow-expired-title = Esta solicitud de inicio de sesión ha caducado
flow-expired-message = Puede que haya expirado, que ya se haya completado o que el enlace esté incompleto. Vuelva a la aplicación e inicie sesión de nuevo.
answered-title = Esta solicitud ya fue respondida
answered-message = Se respondió antes, quizá en otra ventana, y esa respuesta se mantiene. Vuelva a la aplicación para continuar.
refused-title = Esta solicitud no es válida
refused-message = El servidor de autorización la rechazó. Vuelva a la aplicación e inicie sesión de nuevo.
busy-title = Demasiadas solicitudes en este momento
busy-message = El servidor de autorización está ocupado. Espere un momento y vuelva a cargar esta página.
timeout-title = El servidor de autorización no responde
timeout-message = Tardó demasiado en responder. Vuelva a cargar esta página en un momento; su inicio de sesión sigue a la espera.
unanswered-title = Su elección se envió, pero no llegó respuesta
unanswered-message = Puede que el servidor de autorización la haya recibido. Envíela de nuevo ahora mismo para continuar: se envía la misma elección, y solo cuenta una vez.
unanswered-send-again = Enviar de nuevo
trouble-title = El servidor de autorización tiene problemas
trouble-message = Assent no pudo obtener una respuesta válida. Vuelva a cargar esta página en un momento, o vuelva a la aplicación e inténtelo de nuevo.
bad-redirect-message = Envió una dirección inesperada para continuar y Assent no la siguió. Vuelva a la aplicación e inténtelo de nuevo.
unsupported-title = Este tipo de solicitud no se acepta
unsupported-message = Los formularios de Assent envían sus campos como lo hace un formulario web. Vuelva a la página y use su formulario.
not-allowed-title = Esta dirección no es una página
not-allowed-message = Es adonde el formulario de una página envía su respuesta. Vuelva a esa página y use su formulario.
form-incomplete-title = Este formulario está incompleto
form-incomplete-message = Vuelva a la aplicación e inicie sesión de nuevo.
form-choose = Elija Permitir o Rechazar.
form-forged-title = No se pudo verificar este formulario
form-forged-message = Puede que llevara demasiado tiempo abierto, que se abriera en otro navegador o que se enviara desde otro sitio. No se compartió nada: vuelva a la aplicación y empiece de nuevo.
portal-load-failed = No se pudieron cargar sus aplicaciones. Vuelva a cargar esta página en un momento.
portal-partial = Parte de los datos que comparte no se pudo cargar ahora, así que esta lista puede estar incompleta. Vuelva a cargar la página en un momento.
portal-off-title = El portal no está configurado
portal-off-message = Defina PORTAL_CLIENT_ID para activarlo.
portal-form-forged-message = Abra el portal de nuevo e inténtelo desde allí.
sign-in-unavailable-title = El inicio de sesión no está disponible
sign-in-unavailable-message = No se pudo contactar con el servidor de autorización. Inténtelo de nuevo en un momento.
sign-in-restart = Inicie sesión de nuevo para continuar.
sign-in-unverified-title = No se pudo verificar este inicio de sesión
sign-in-expired-title = Este inicio de sesión ha caducado
sign-in-denied-title = No se inició sesión
sign-in-failed-title = Error al iniciar sesión
session-ended-title = Su sesión ha terminado

## Open Finance (FDX)
fdx-page-title = Compartir sus datos financieros
fdx-title = { $client } quiere acceder a sus datos financieros
fdx-held-by = Sus datos están en
fdx-data = Solicita
fdx-resource-ACCOUNT = De las cuentas que elija
fdx-resource-CUSTOMER = Sobre usted
fdx-cluster-ACCOUNT_BASIC = Tipo de cuenta, nombre y número enmascarado
fdx-cluster-ACCOUNT_DETAILED = Detalles de la cuenta y saldos
fdx-cluster-TRANSACTIONS = Movimientos: importes, fechas y descripciones
fdx-cluster-STATEMENTS = Extractos de cuenta
fdx-cluster-ACCOUNT_PAYMENTS = Números de cuenta y de ruta, para pagos
fdx-cluster-INVESTMENTS = Inversiones y posiciones
fdx-cluster-CUSTOMER_CONTACT = Su nombre, correo electrónico, teléfono y dirección postal
fdx-cluster-CUSTOMER_PERSONAL = Datos personales como su fecha de nacimiento
fdx-duration = Durante cuánto tiempo
fdx-once = Una vez: el acceso termina cuando se obtienen los datos
fdx-until = { $days ->
    [1] 1 día, hasta el { $date }
   *[other] { $days } días, hasta el { $date }
}
fdx-until-date = Hasta el { $date }
fdx-ongoing = Hasta que usted lo detenga
fdx-lookback = Desde cuándo
fdx-lookback-days = { $days ->
    [1] Hasta 1 día de historial
   *[other] Hasta { $days } días de historial
}
fdx-choose = Elija las cuentas que desea compartir
fdx-choose-hint = Solo se comparten las cuentas que marque.
fdx-choose-one = Elija al menos una cuenta para compartir, o elija Rechazar.
fdx-no-accounts = No tiene cuentas que se puedan compartir.
fdx-not-yours-title = Esta cuenta no se puede compartir
fdx-not-yours-message = Una de las cuentas elegidas no es suya. Vuelva a la aplicación y empiece de nuevo.
accounts-unavailable = Cuentas que no puede compartir ahora
portal-account-not-shared = no se comparte ahora
accounts-unavailable-reason = El banco no permite usar esta cuenta ahora.
account-joint-withheld-you = Usted desactivó el uso compartido de esta cuenta conjunta. Se vuelve a compartir cuando todos los titulares lo permitan.
account-joint-withheld-other = Otro titular de esta cuenta conjunta no ha permitido compartirla. Se comparte cuando todos los titulares lo permitan.
account-unavailable-title = Esta cuenta no se puede usar ahora
account-unavailable-message = El banco indica que una cuenta que eligió no se puede compartir ni usar para pagar ahora, así que no se envió nada. Elija entre las cuentas que se ofrecen ahora.
fdx-other-holder-title = Otro titular de la cuenta dio este consentimiento
fdx-other-holder-message = Lo dio otro titular de una cuenta conjunta, así que solo esa persona puede detenerlo. Para que los datos de su cuenta conjunta dejen de compartirse, desactive su uso compartido en Cuentas conjuntas, o contacte a su banco.
fdx-balance = Saldo
fdx-scopes = Permisos
account-kind-CHECKING = Cuenta corriente
account-kind-SAVINGS = Ahorros
account-kind-CREDIT_CARD = Tarjeta de crédito
fdx-status-Authorised = Activo
fdx-status-AwaitingAuthorisation = Pendiente de aprobación
fdx-status-Rejected = Rechazado
fdx-status-Revoked = Detenido
fdx-status-Expired = Caducado
portal-records-title = Sus registros de consentimiento
portal-records-lead = Cada consentimiento que dio aquí, vigente o pasado. Cada uno tiene un recibo que puede guardar.
portal-record-authorized = Activo
portal-record-revoked = Terminado
portal-record-rejected = Rechazado
portal-record-expired = Caducado
portal-record-given = Dado el { $date }
portal-record-declined = Rechazado el { $date }
portal-record-asked = Pedía:
portal-record-ended-customer = Terminado por usted el { $date }
portal-record-ended-co-holder = Terminado por el otro titular de una cuenta conjunta el { $date }
portal-record-ended-staff = Terminado por { $name } en el banco el { $date }: { $reason }
portal-record-ended-application = Terminado por la aplicación el { $date }
portal-record-ended-server = Terminado en el banco el { $date }
portal-record-ended-expiry = Terminado el { $date }, al final del periodo por el que se otorgó
portal-record-ended-now = Terminado por usted hace un momento
portal-client-at-bank = { $client } en { $bank }
portal-record-shares = Comparte:
portal-record-receipt = Descargar el recibo
receipt-collection-method = Pantalla de consentimiento en línea (Assent), mostrada al cliente que inició sesión
receipt-purpose-category = Compartir datos con una aplicación de terceros
receipt-termination = Revocable en cualquier momento, por el cliente en el portal de consentimientos del banco o por el banco.
receipt-financial-data = Datos de cuentas financieras
portal-record-receipt-label = Descargar el recibo de su consentimiento a { $client }
portal-fdx-title = Datos financieros que comparte
portal-fdx-empty = No comparte datos financieros.
portal-fdx-accounts = Cuentas:
portal-fdx-data = Datos:
portal-fdx-created = Concedido el { $date }
portal-fdx-expires = Termina el { $date }
portal-expired-on = Caducado el { $date }
portal-shared = { $count ->
    [one] Compartido una vez, el { $date }: { $data }
   *[other] Compartido { $count } veces, la última el { $date }: { $data }
}
portal-shared-none = Aún no se ha compartido nada
portal-shared-undated = { $count ->
    [one] Compartido una vez: { $data }
   *[other] Compartido { $count } veces: { $data }
}
portal-shared-never = No se compartió nada
portal-shared-accounts = nombres y números de cuenta
portal-shared-balances = saldos
portal-shared-transactions = movimientos
portal-fdx-revoke = Dejar de compartir
portal-fdx-revoke-label = Dejar de compartir con { $client }
portal-fdx-other-holder = Dado por otro titular de una cuenta conjunta: solo esa persona puede detenerlo.
portal-joint-title = Cuentas conjuntas
portal-joint-lead = Los datos de una cuenta conjunta se comparten solo mientras todos sus titulares lo permitan. Cualquier titular puede detenerlo por sí solo, al instante, para todas las aplicaciones; vuelve a compartirse solo cuando todos los titulares lo permitan.
portal-joint-held = en { $bank } · { $others ->
    [1] 1 titular más
   *[other] { $others } titulares más
}
portal-joint-others = { $others ->
    [1] 1 titular más
   *[other] { $others } titulares más
}
portal-joint-shared = Compartida: las aplicaciones que usted u otro titular autorizaron pueden recibir sus datos.
portal-joint-not-shared = No se comparte ahora: { $reason }
portal-joint-stop = Desactivar el uso compartido
portal-joint-stop-label = Desactivar el uso compartido de { $account }
portal-joint-allow = Permitir compartir
portal-joint-allow-label = Permitir compartir { $account }
portal-joint-allowed = Usted permite compartir su cuenta conjunta. Se comparte cuando todos los titulares lo permitan.
portal-joint-stopped = Su cuenta conjunta ya no se comparte. Ninguna aplicación recibe sus datos hasta que todos los titulares lo permitan de nuevo.
fdx-revoke-title = ¿Dejar de compartir sus datos financieros con { $client }?
fdx-revoke-loses = { $client } ya no podrá obtener los datos de sus cuentas y sus tokens de acceso dejan de funcionar de inmediato.
portal-fdx-revoked = Se dejó de compartir. El destinatario ya no puede obtener sus datos.

## Interactive parts (islands) and their messages
internal-message = Algo falló de nuestro lado. Inténtelo de nuevo en un momento.
no-customer-title = Su banco no pudo saber qué cliente es usted
no-customer-message = El inicio de sesión no indicó qué cliente del banco es usted, así que no se puede mostrar ni compartir ninguna cuenta. No se compartió ni cambió nada. Avise a su banco; el identificador de la solicitud que aparece abajo les ayuda a encontrarla.
records-down-title = No se compartió nada
records-down-message = El banco no pudo guardar ahora el registro de su consentimiento, así que no se compartió nada con la aplicación. Vuelva a intentarlo en un momento.
records-unavailable-title = Los registros de consentimientos no están disponibles
records-unavailable-message = Ahora no se pueden leer ni cambiar los registros de consentimientos del banco, y no se cambió nada. Vuelva a intentarlo en un momento.
record-behind-title = Acceso terminado; su registro está atrasado
record-behind-message = El acceso de la aplicación terminó, pero ahora no se pudo actualizar el registro del consentimiento en el banco. Vuelva a intentarlo en un momento para ponerlo al día.
store-down-title = Su portal no está disponible por un momento
store-down-message = Assent no puede acceder ahora al lugar donde guarda los inicios de sesión. Nada de lo que compartió o detuvo ha cambiado. Vuelva a cargar esta página en un momento; si se le pide que inicie sesión de nuevo, es lo esperado.
offline-message = No se pudo contactar con Assent. Compruebe su conexión e inténtelo de nuevo.
sending = Enviando…
select-all = Seleccionar todo
select-none = Desmarcar todo
consent-summary = Está compartiendo { $n } de { $total } permisos.
consent-already-shared = Ya compartido
fdx-summary = Ha elegido { $n }: { $accounts }
fdx-none-chosen = Aún no eligió ninguna cuenta.
fdx-allow-one = Permitir: compartir 1 cuenta
fdx-allow-n = Permitir: compartir { $n } cuentas
portal-revoked-named = Se revocó el acceso de { $client }. Ya no puede usar su cuenta.
portal-fdx-revoked-named = Se dejó de compartir con { $client }. Ya no puede obtener sus datos.
console-title = Registros de consentimiento: personal del banco
title-error = Error: { $title }
console-results-title = Búsqueda: { $query }
console-record-title = { $customer } con { $client }
console-lead = Para el equipo de consentimientos del banco: encuentre los consentimientos de un cliente, lea su historial y revóquelos.
console-sign-in = Iniciar sesión como personal
console-signed-in = Sesión iniciada como { $name }
console-search-label = Id de cliente, id de cuenta, aplicación o usuario
console-search = Buscar
console-search-hint = Coincidencia exacta con el id de cliente, el sujeto del usuario, un id de cuenta o el client id de una aplicación.
console-none = Ningún registro de consentimiento coincide.
console-found = { $count ->
    [1] Se encontró un registro de consentimiento.
   *[other] { $count } registros de consentimiento encontrados, los más recientes primero.
}
console-more = Solo se muestran los más recientes: afine la búsqueda para ver el resto.
console-customer = Cliente
console-bank = Banco
console-subject = Usuario
console-back = Volver a la búsqueda
console-record-id = Registro
console-application = Aplicación
console-given = Otorgado
console-declined = Rechazado
console-scopes = Ámbitos
console-accounts = Cuentas
console-warned = Advertencia mostrada
console-warned-device = La aplicación recibe la respuesta en el dispositivo del cliente ({ $where }), no en un sitio web: la pantalla de consentimiento advirtió que nadie había comprobado quién es.
console-warned-app = La aplicación recibe la respuesta en una app del dispositivo del cliente que se identifica como { $where }, no en un sitio web: la pantalla de consentimiento advirtió que nadie había comprobado quién es.
console-warned-unencrypted = La aplicación recibe la respuesta en { $where } sin cifrado: la pantalla de consentimiento advirtió que nadie había comprobado quién es.
console-warned-unreadable = La aplicación recibe la respuesta en una dirección que no es la de un sitio web: la pantalla de consentimiento advirtió que nadie había comprobado quién es.
console-history = Historial
console-revoke-title = Revocar este consentimiento
console-reason = Motivo (el cliente lo verá)
console-revoke = Revocar este consentimiento
console-provider-title = { $count ->
    [1] Revocar todos los consentimientos dados a { $client } en { $bank } (1 activo)
   *[other] Revocar todos los consentimientos dados a { $client } en { $bank } ({ $count } activos)
}
console-provider-consequence = El consentimiento de cada cliente a esta aplicación termina ahora y sus tokens dejan de funcionar.
console-provider-revoke = Revocar este proveedor
console-provider-revoked = { $count ->
    [1] Un consentimiento revocado.
   *[other] { $count } consentimientos revocados.
}
console-revoked = El consentimiento fue revocado; sus tokens ya no funcionan.
console-reason-needed = Indique un motivo (500 caracteres como máximo): se registra y se muestra al cliente.
console-confirm-one-title = ¿Revocar el consentimiento del cliente { $customer } a { $client }?
console-confirm-one-tokens = { $client } pierde el acceso que daba este consentimiento: sus tokens dejan de funcionar ahora.
console-confirm-all-title = { $count ->
    [1] ¿Revocar el único consentimiento activo dado a { $client } en { $bank }?
   *[other] ¿Revocar los { $count } consentimientos dados a { $client } en { $bank }?
}
console-confirm-all-tokens = El consentimiento de cada cliente a { $client } termina ahora y todos sus tokens dejan de funcionar.
console-confirm-reason = Cada cliente verá su nombre y su motivo en su historial.
console-confirm-reason-one = El cliente verá su nombre y su motivo en su historial.
console-confirm-undo = No se puede deshacer: un cliente solo puede volver a consentir desde la aplicación.
console-check-one = Confirmo: { $client } pierde ahora el acceso de este consentimiento, y no se puede deshacer.
console-check-all = { $count ->
    [1] Confirmo: el único consentimiento activo dado a { $client } termina ahora, y no se puede deshacer.
   *[other] Confirmo: los { $count } consentimientos dados a { $client } terminan ahora, y no se puede deshacer.
}
console-confirm-needed = Marque la casilla para confirmar la revocación: no se revocó nada.
console-by-customer = por el cliente
console-by-staff = por { $name } (personal del banco)
console-by-application = por la aplicación
console-by-server = por el servidor de autorización
console-by-co-holder = por otro titular de una cuenta conjunta
record-reason-amended = Reemplazado por una modificación
record-reason-ended-upstream = Terminado en el servidor de autorización antes de que se cerrara este registro
console-event-granted = Otorgado
console-event-rejected = Rechazado
console-event-revoked = Revocado
console-event-expired = Caducado
not-staff-title = Esta consola es para el personal del banco
not-staff-message = Su cuenta no tiene el rol de personal de consentimientos, así que la consola sigue cerrada. Los clientes pueden ver y detener sus consentimientos en el portal.
console-not-kept = Assent no guarda aquí los registros de consentimiento: con almacenamiento externo, ese sistema los lista y los revoca.

## Banca abierta del Reino Unido: acceso a cuentas
consent-expired-title = Esta solicitud ha caducado
consent-expired-message = La solicitud de acceso de la aplicación ha caducado y ya no se puede conceder. Vuelva a la aplicación y empiece de nuevo.
obuk-page-title = Comparta la información de sus cuentas
obuk-title = { $client } quiere ver información de sus cuentas
obuk-data = Pide ver
obuk-cluster-account-details = Los datos de su cuenta
obuk-cluster-line-account-details = El nombre de la cuenta, su código de sucursal y número, el número de tarjeta y el saldo.
obuk-cluster-regular-payments = Sus pagos periódicos
obuk-cluster-line-regular-payments = Los beneficiarios que ha guardado, sus domiciliaciones, órdenes permanentes y pagos programados.
obuk-cluster-transactions = Los movimientos de su cuenta
obuk-cluster-line-transactions = El dinero que entra y sale de su cuenta: importes, fechas y descripciones.
obuk-cluster-statements = Sus extractos
obuk-cluster-line-statements = Los extractos de su cuenta y lo que muestran.
obuk-cluster-features = Las características y ventajas de su cuenta
obuk-cluster-line-features = El tipo de cuenta, sus comisiones, cargos e intereses, y las ofertas disponibles para usted.
obuk-cluster-party = Datos de contacto y de los titulares
obuk-cluster-line-party = El nombre, la dirección, el teléfono y el correo electrónico que constan de usted y de los demás titulares.
obuk-cluster-other = Otros datos
obuk-until = Hasta el
obuk-window = Movimientos que puede ver
obuk-window-from = desde el
obuk-window-to = hasta el
obuk-summary = Cuentas que comparte: { $accounts }

## Acuerdos CDR (Australia): los grupos de datos y permisos de los estándares de lenguaje de datos
cdr-page-title = Comparta sus datos bancarios
cdr-title = { $client } quiere ver sus datos bancarios
cdr-amend-title = { $client } quiere cambiar lo que usted comparte
cdr-amend-lead = Ya comparte datos con este destinatario. Esta solicitud cambia ese acuerdo: lo marcado como nuevo se añade, y lo que figura en «Deja de compartirse» deja de compartirse cuando usted acepte.
cdr-amend-accounts = Vuelva a elegir las cuentas que comparte: las que comparte ahora están marcadas, y las que deje sin marcar dejan de compartirse.
cdr-data = Pide ver
cdr-new = Nuevo
cdr-removed = Deja de compartirse
cdr-shared-now = Compartida ahora
cdr-leaves-arrangement = Se comparte en este acuerdo hasta ahora; deja de compartirse si acepta este cambio.
cdr-before = Hasta ahora
cdr-once = Una vez: el destinatario recoge sus datos una sola vez
cdr-for = { $period },
cdr-until = hasta el
cdr-history = Datos históricos
cdr-history-from = Movimientos desde el
cdr-period-hours = { $n ->
    [1] 1 hora
   *[other] { $n } horas
}
cdr-period-days = { $n ->
    [1] 1 día
   *[other] { $n } días
}
cdr-period-months = { $n ->
    [1] 1 mes
   *[other] { $n } meses
}
cdr-cluster-accounts-basic = Nombre, tipo y saldo de la cuenta
cdr-cluster-line-accounts-basic = Nombre de la cuenta; Tipo de cuenta; Saldo de la cuenta.
cdr-cluster-accounts-detail = Números y características de la cuenta
cdr-cluster-line-accounts-detail = Número de cuenta; Tipos de interés; Comisiones; Descuentos; Condiciones de la cuenta; Dirección postal de la cuenta.
cdr-cluster-transactions = Detalles de los movimientos
cdr-cluster-line-transactions = Movimientos de entrada y salida; Importes; Fechas; Descripciones de los movimientos; A quién ha enviado dinero y de quién lo ha recibido (p. ej., su nombre).
cdr-cluster-regular-payments = Domiciliaciones y pagos programados
cdr-cluster-line-regular-payments = Domiciliaciones; Pagos programados.
cdr-cluster-payees = Beneficiarios guardados
cdr-cluster-line-payees = Nombres y datos de las cuentas que ha guardado (p. ej., su BSB y número de cuenta, CRN y código de emisor BPAY, o PayID de NPP).
cdr-cluster-customer-basic = Nombre y profesión
cdr-cluster-line-customer-basic = Nombre; Profesión.
cdr-cluster-customer-detail = Datos de contacto
cdr-cluster-line-customer-detail = Teléfono; Correo electrónico; Dirección postal; Domicilio.
cdr-cluster-profile = Su nombre
cdr-cluster-line-profile = Su nombre, para confirmar quién es usted al iniciar sesión.
cdr-cluster-other = Otros datos
## UK domestic payments
payment-page-title = Confirme un pago
payment-title = { $client } quiere hacer un pago desde su cuenta
payment-amount = Importe
payment-payee = Para
payment-reference = Referencia
payment-details = Detalles
payment-once = Este pago se hace una sola vez, en cuanto lo confirme. Después no se puede detener.
payment-from = Pagar desde
payment-unavailable = Cuentas desde las que no puede pagar ahora
payment-choose-account = Elija la cuenta desde la que pagar, o cancele el pago.
payment-fixed = La aplicación eligió esta cuenta; aquí no se puede cambiar.
payment-cancel = Cancelar el pago
payment-pay = Pagar { $amount }
payment-debtor-title = Este pago no se puede hacer desde aquí
payment-debtor-message = La aplicación pidió pagar desde una cuenta que no es suya. No se pagó nada. Vuelva a la aplicación y empiece de nuevo.
payment-debtor-unavailable-message = La aplicación pidió pagar desde una cuenta que, según el banco, no se puede usar ahora. No se pagó nada. Vuelva a la aplicación y empiece de nuevo.
payment-made-title = Un pago no se puede detener
payment-made-message = Este pago se hizo una vez, al confirmarlo; su registro dice qué se pagó. No hay nada que detener.
console-paid = Pagado
portal-payments-title = Pagos
portal-payments-lead = Pagos que las aplicaciones hicieron desde sus cuentas con su confirmación. Cada uno se hizo una vez; no hay nada que detener.
portal-payment-from = Pagado desde
portal-payment-date = Fecha
portal-payment-paid = Pagado
portal-payment-authorised = Confirmado
portal-payment-line = Pago de { $amount } a { $payee }
